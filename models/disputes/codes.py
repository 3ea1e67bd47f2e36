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
# The mediator's own screens (/cases and a case's buttons), written by the handlers only:
# ``dm:list:<page>``, ``dm:case:<id>``, ``dm:<op>:<id>`` and ``dm:to:<case>:<person>``.
MEDIATOR = CallbackCode(
    "dm",
    {
        "list": (Field.NUMBER,),  # /cases, a page
        "case": (Field.ID,),  # one case's screen
        "med": (Field.ID,),  # status: in mediation
        "ref": (Field.ID, Field.WORD),  # status: referred to court / police / 12345
        "refask": (Field.ID,),  # where to refer it (asks)
        "note": (Field.ID,),  # an internal note (typed)
        "pub": (Field.ID,),  # a public note (typed; the reporter is told)
        "exp": (Field.ID,),  # the expected date (asks)
        "expd": (Field.ID, Field.NUMBER),  # the expected date: in this many days
        "out": (Field.ID,),  # the outcome with the agreed terms (typed, resolves)
        "ho": (Field.ID,),  # hand the lead over (typed reason)
        "relay": (Field.ID,),  # write to the reporter (typed, voice, photo)
        "agr": (Field.ID,),  # the mediation agreement (.docx)
        "file": (Field.ID,),  # the case file summary (.docx)
        "tr": (Field.ID,),  # pick whom to transfer to
        "to": (Field.ID, Field.ID),  # transfer to that mediator
        "duty": (Field.NUMBER,),  # /duty: 1 on, 0 off
        "home": (),  # 🏠
    },
)
# A town's disputes settings (/mediation), its admins' screens, written by the handlers only:
# ``ds:<action>:<town>[:<timing or category>[:<mediator>]]``.
TOWN_SETTINGS = CallbackCode(
    "ds",
    {
        "towns": (),  # the towns this admin manages (one: straight to it)
        "town": (Field.ID,),  # the town's timings
        "ask": (Field.ID, Field.WORD),  # change one timing (typed)
        "cats": (Field.ID,),  # which mediators take which category
        "cat": (Field.ID, Field.WORD),  # one category's mediators
        "rt": (Field.ID, Field.WORD, Field.ID),  # choose that mediator, or take them off
        "all": (Field.ID, Field.WORD),  # all of the town's mediators take the category
        "home": (),  # 🏠
    },
)
