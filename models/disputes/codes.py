"""The disputes buttons' callback data, for the notice that writes a button and the handler that
reads the tap: ``dc:<action>:<case>[:<n>]``. Formats of buttons already sent never change."""

from __future__ import annotations

from models.core.callbacks import CallbackCode, Field

CASE = CallbackCode(
    "dc",
    {
        "acc": (Field.ID,),  # 接案 (accept; in a group, the first tap wins)
        "view": (Field.ID,),  # 查看
        "tr": (Field.ID,),  # 转交 (transfer)
        "reply": (Field.ID,),  # write back through the relay
        "chase": (Field.ID,),  # the reporter's 催办
        "hok": (Field.ID,),  # accept a lead handover (the request's id)
        "hno": (Field.ID,),  # decline it (asks why)
        "star": (Field.ID, Field.NUMBER),  # follow-up stars 1-5
        "solved": (Field.ID,),  # follow-up: 解决了
        "unsolved": (Field.ID,),  # follow-up: 没有解决 (reopens)
    },
)
# The resident's answer to a case a proxy reported for them: ``dp:ok|always|no:<case>``.
PROXY_REPORT = CallbackCode("dp", {"ok": (Field.ID,), "always": (Field.ID,), "no": (Field.ID,)})
