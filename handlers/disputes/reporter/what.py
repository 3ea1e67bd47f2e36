"""The first screens of a report: what kind, who is involved and where, and (for a proxy) the
resident's phone and "is this them?" (booking's proxy lookup: rate-limited, audited).

The kind screen's last choice reports for someone else; the 矛盾调解 menu item opens on
"report, or see my cases?" for someone who has reported before.
"""

from __future__ import annotations

from telegram import Update

from bot.context import TongxinContext
from handlers.disputes.reporter.draft import (
    KIND,
    PARTIES,
    PHONE,
    PROXY,
    RESIDENT,
    START,
    not_understood,
    report_draft,
)
from handlers.kit import (
    Means,
    Option,
    ask,
    chosen,
    clear_draft,
    error_text,
    leave,
    me,
    message_text,
    prompt,
    run,
)
from models.booking import ResidentNotFound, TooManyLookups, resident_by_phone
from models.disputes import CATEGORY, Category, Parties, my_cases
from models.disputes import PARTIES as PARTIES_LABELS

KIND_WORDS: dict[Category, tuple[str, ...]] = {
    Category.NOISE: ("噪音", "吵", "noise", "noisy"),
    Category.PROPERTY: ("房子", "维修", "漏水", "repairs", "property"),
    Category.SHARED_SPACE: ("楼道", "车位", "公共", "shared space", "parking"),
    Category.FAMILY: ("家里", "家庭", "family"),
    Category.MONEY: ("钱", "合同", "欠钱", "money", "contract"),
    Category.CROSS_BORDER: ("跨镇", "两个镇", "cross-border", "other town"),
    Category.OTHER: ("别的", "其他", "other"),
}
PROXY_WORDS = ("帮别人", "帮家人", "替别人", "替家人", "someone else", "for someone else")


async def start(update: Update, context: TongxinContext) -> int:
    """矛盾调解: report, or see one's cases (asked only of someone who has any)."""
    clear_draft(context)
    if await run(context, my_cases, person=me(context)):
        return await ask_start(update, context)
    return await ask_kind(update, context)


async def start_report(update: Update, context: TongxinContext) -> int:
    """/report: straight to "what kind?"."""
    clear_draft(context)
    return await ask_kind(update, context)


async def ask_start(update: Update, context: TongxinContext, first: str = "") -> int:
    """Report something new, or look at the cases reported before."""
    t = context.t
    options = [
        Option("new", t("report.start.new"), Means(words=("报", "新的", "report", "new"))),
        Option("mine", t("report.start.mine"), Means(words=("我的", "my cases", "mine"))),
    ]
    return await ask(update, context, t("report.ask_start"), options, START, first=first)


async def ask_kind(update: Update, context: TongxinContext, first: str = "") -> int:
    """What kind of trouble (then, last, "for someone else" unless already chosen)."""
    t, data = context.t, report_draft(context)
    options = [Option(c.value, t(CATEGORY[c]), Means(words=KIND_WORDS[c])) for c in Category]
    if not data.get("proxy"):
        options.append(Option(PROXY, t("report.kind.proxy"), Means(words=PROXY_WORDS)))
    if data.get("resident_id"):
        text = t("report.ask_kind.proxy", name=data.get("resident_name") or "—")
    else:
        text = prompt(context, "report.ask_kind")
    return await ask(update, context, text, options, KIND, first=first)


async def on_kind(update: Update, context: TongxinContext) -> int:
    """A kind (then who and where), or reporting for someone else (then their phone)."""
    key, data = chosen(update, context), report_draft(context)
    if key == PROXY and not data.get("proxy"):
        data["proxy"] = True
        return await ask_phone(update, context)
    if key is None or key not in set(Category):
        return await ask_kind(update, context, not_understood(context))
    data["category"] = key
    return await ask_parties(update, context)


async def back_from_kind(update: Update, context: TongxinContext) -> int:
    """⬅️ on "what kind?": the resident's confirmation for a proxy; else out of the flow."""
    data = report_draft(context)
    if data.get("proxy"):
        data.pop("proxy", None)
        data.pop("resident_id", None)
        return await ask_kind(update, context)
    return await leave(update, context)


async def ask_phone(update: Update, context: TongxinContext, first: str = "") -> int:
    """The resident's phone number, typed."""
    return await ask(update, context, prompt(context, "report.ask_phone"), [], PHONE, first=first)


async def on_phone(update: Update, context: TongxinContext) -> int:
    """The resident's number; unknown (or one's own) is asked again; too many lookups: back."""
    text = (message_text(update) or "").strip()
    if not text:
        return await ask_phone(update, context, context.t("report.phone.not_text"))
    per_hour = context.services.settings.proxy_lookups_per_hour
    found = await run(context, resident_by_phone, person=me(context), phone=text, per_hour=per_hour)
    resident = found.resident
    if resident is None:
        refused = found.refused or ResidentNotFound()
        if isinstance(refused, TooManyLookups):
            report_draft(context).pop("proxy", None)
            return await ask_kind(update, context, error_text(context, refused))
        return await ask_phone(update, context, error_text(context, refused))
    data = report_draft(context)
    data["resident_id"], data["resident_name"] = resident.id, resident.name
    town = resident.town.name(context.lang) if resident.town else "—"
    return await ask_resident(update, context, name=resident.name, town=town)


async def ask_resident(
    update: Update, context: TongxinContext, first: str = "", *, name: str = "", town: str = ""
) -> int:
    """Is this the resident you mean?"""
    t, data = context.t, report_draft(context)
    if "resident_id" not in data:
        return await ask_phone(update, context)
    data.setdefault("resident_name", name)
    text = t("report.ask_resident", name=name or data.get("resident_name") or "—", town=town or "—")
    options = [
        Option("yes", t("report.resident.yes"), Means(yes=True)),
        Option("no", t("report.resident.no"), Means(yes=False)),
    ]
    return await ask(update, context, text, options, RESIDENT, first=first)


async def on_resident(update: Update, context: TongxinContext) -> int:
    """Yes: what kind of trouble they have; no: type the number again."""
    key, data = chosen(update, context), report_draft(context)
    if key is None:
        return await ask_resident(update, context, not_understood(context))
    if key == "no":
        data.pop("resident_id", None)
        data.pop("resident_name", None)
        return await ask_phone(update, context)
    return await ask_kind(update, context)


async def ask_parties(update: Update, context: TongxinContext, first: str = "") -> int:
    """Who is involved and where: same community, another community, the other town."""
    t = context.t
    words = {
        Parties.SAME_COMMUNITY: ("同一个社区", "本社区", "邻居", "same community"),
        Parties.OTHER_COMMUNITY: ("另一个社区", "别的社区", "other community"),
        Parties.OTHER_TOWN: ("另一个镇", "对面镇", "跨镇", "other town"),
    }
    options = [Option(p.value, t(PARTIES_LABELS[p]), Means(words=words[p])) for p in Parties]
    text = prompt(context, "report.ask_parties")
    return await ask(update, context, text, options, PARTIES, first=first)
