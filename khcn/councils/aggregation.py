"""Turning score sheets into a council's result, by the rule set of the council, with reasons.

Pure computation over plain snapshots (no queries here): selectors.py loads a council's data in a
fixed number of queries and calls `aggregate` once per object. Every comparison with a legal
fraction is exact (fractions.Fraction), so "6 of 9" meets a 2/3 quorum and "exactly 70" passes a
">= 70" threshold. The result is never stored: it is recomputed from the sheets each time, and
its `explanation` says, in Vietnamese, how it was reached.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

PENDING = "pending"
NO_QUORUM = "no_quorum"
PASSED = "passed"
FAILED = "failed"

ROLE_CHAIR = "chair"
ROLE_VICE_CHAIR = "vice_chair"
ROLE_REVIEWER_1 = "reviewer_1"
ROLE_REVIEWER_2 = "reviewer_2"
ROLE_ADMIN_SECRETARY = "administrative_secretary"


@dataclass
class CouncilResult:
    """The result of one object before one council; `explanation` lists the reasons in order."""

    status: str  # "pending" | "no_quorum" | "passed" | "failed"
    grade: str | None  # acceptance: "excellent" | "passed" | "failed"
    mean_score: Decimal | None
    valid_sheets: int
    present: int
    explanation: list[str]
    # Extras for pages and documents; not needed to read the verdict.
    conclusion: str = ""  # the verdict in words, e.g. "ĐẠT"
    members_total: int = 0
    criterion_means: dict[str, Decimal] = field(default_factory=dict)
    key_mean: Fraction | None = None  # mean of the key criteria, for tie-breaks
    chair_total: int | None = None
    exact_mean: Fraction | None = None


@dataclass(frozen=True)
class CriterionRule:
    code: str
    label: str
    max_points: int
    is_key: bool = False


@dataclass(frozen=True)
class Rule:
    kind: str
    method: str  # "score" | "vote" | "grade"
    quorum_fraction: Fraction
    quorum_requires_chair: bool
    quorum_requires_reviewers: bool
    criteria: tuple[CriterionRule, ...] = ()
    pass_mean_score: Decimal | None = None
    max_zero_fraction: Fraction | None = None
    pass_fraction: Fraction | None = None
    excellent_fraction: Fraction | None = None
    excellent_requires_no_failed: bool = True
    recommend_fraction: Fraction | None = None
    yes_label: str = ""  # "đề nghị thực hiện", how a yes vote reads for this kind

    @property
    def max_total(self) -> int:
        return sum(c.max_points for c in self.criteria)


@dataclass(frozen=True)
class MemberInfo:
    id: int
    name: str
    role: str
    role_label: str = ""

    @property
    def votes(self) -> bool:
        return self.role != ROLE_ADMIN_SECRETARY


@dataclass(frozen=True)
class MeetingInfo:
    date: dt.date
    place: str
    online: bool
    present_ids: frozenset[int]


@dataclass(frozen=True)
class SheetInfo:
    member_id: int
    scores: dict[str, int]
    conclusion: str = ""  # vote or grade

    @property
    def total(self) -> int | None:
        return sum(self.scores.values()) if self.scores else None


# --- Formatting ---------------------------------------------------------------------------------


def fmt_fraction(value: Fraction) -> str:
    """2/3 -> "2/3"; 6667/10000 -> "66,67%" (a typed decimal reads better as a percentage)."""
    if value.denominator <= 12:
        return str(value)
    percent = Decimal(value.numerator * 100) / Decimal(value.denominator)
    return fmt_number(percent.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)) + "%"


def fmt_number(value: Decimal | Fraction | int, places: int = 2) -> str:
    """78.50 -> "78,5"; 70 -> "70" (Vietnamese decimal comma, no trailing zeros)."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    quantum = Decimal(1).scaleb(-places)
    text = f"{Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def to_decimal(value: Fraction, places: int = 2) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
    )


def _names(members: Iterable[MemberInfo]) -> str:
    return ", ".join(m.name for m in members)


# --- The rules ----------------------------------------------------------------------------------


def conclusion_words(kind: str, status: str, grade: str | None = None) -> str:
    """The verdict as the minutes write it, in capitals."""
    if status == NO_QUORUM:
        return _("KHÔNG ĐỦ ĐIỀU KIỆN HỌP")
    if status == PENDING:
        return _("CHƯA CÓ KẾT QUẢ")
    if grade == "excellent":
        return _("XUẤT SẮC")
    passed = status == PASSED
    words = {
        "identification": (_("ĐỀ NGHỊ THỰC HIỆN"), _("KHÔNG ĐỀ NGHỊ THỰC HIỆN")),
        "budget_appraisal": (_("THÔNG QUA"), _("KHÔNG THÔNG QUA")),
        "initiatives": (_("ĐỀ NGHỊ CÔNG NHẬN SÁNG KIẾN"), _("KHÔNG ĐỀ NGHỊ CÔNG NHẬN SÁNG KIẾN")),
        "technology_appraisal": (_("ĐẠT YÊU CẦU"), _("KHÔNG ĐẠT YÊU CẦU")),
    }.get(kind, (_("ĐẠT"), _("KHÔNG ĐẠT")))
    return words[0] if passed else words[1]


def _quorum(
    rule: Rule, voting: Sequence[MemberInfo], present: Sequence[MemberInfo], conflicted_present: int
) -> tuple[bool, str]:
    """Enough members present (by the rule's fraction), with a chair and the reviewers if required."""
    n, p = len(voting), len(present)
    roles = {m.role for m in present}
    enough = n > 0 and Fraction(p, n) >= rule.quorum_fraction
    sentence = _("Có %(p)d/%(n)d thành viên có mặt") % {"p": p, "n": n}
    if conflicted_present:
        sentence += _(" (không tính %(k)d thành viên có xung đột lợi ích)") % {"k": conflicted_present}
    sentence += ", " + (_("đủ %(f)s số thành viên") if enough else _("chưa đủ %(f)s số thành viên")) % {
        "f": fmt_fraction(rule.quorum_fraction)
    }
    haves: list[str] = []
    lacks: list[str] = []
    if rule.quorum_requires_chair:
        if ROLE_CHAIR in roles:
            haves.append(_("Chủ tịch"))
        elif ROLE_VICE_CHAIR in roles:
            haves.append(_("Phó Chủ tịch chủ trì thay Chủ tịch vắng mặt"))
        else:
            lacks.append(_("cả Chủ tịch và Phó Chủ tịch"))
    if rule.quorum_requires_reviewers:
        reviewers = ((ROLE_REVIEWER_1, _("phản biện 1")), (ROLE_REVIEWER_2, _("phản biện 2")))
        missing = [str(label) for role, label in reviewers if role not in roles]
        if missing:
            lacks.extend(missing)
        else:
            haves.append(_("2 phản biện"))
    if haves:
        sentence += ", " + _("có %(who)s") % {"who": _(" và ").join(haves)}
    if lacks:
        sentence += ", " + _("vắng %(who)s") % {"who": ", ".join(lacks)}
    ok = enough and not lacks
    sentence += _(": đủ điều kiện họp.") if ok else _(": không đủ điều kiện họp.")
    return ok, sentence


def _finish(
    rule: Rule, explanation: list[str], status: str, *, grade: str | None = None, **fields: Any
) -> CouncilResult:
    words = conclusion_words(rule.kind, status, grade)
    explanation.append(_("Kết luận: %(words)s") % {"words": words})
    return CouncilResult(
        status=status,
        grade=grade,
        mean_score=fields.pop("mean_score", None),
        valid_sheets=fields.pop("valid_sheets", 0),
        present=fields.pop("present", 0),
        explanation=explanation,
        conclusion=words,
        **fields,
    )


def aggregate(
    *,
    rule: Rule,
    members: Sequence[MemberInfo],
    meeting: MeetingInfo | None,
    conflicted_ids: Iterable[int],
    sheets: Sequence[SheetInfo],
) -> CouncilResult:
    """The result of one object. `members` are the council's current members, `sheets` the
    submitted, non-archived sheets for this object."""
    explanation: list[str] = []
    conflicted = set(conflicted_ids)
    voting = [m for m in members if m.votes]
    by_id = {m.id: m for m in members}
    n = len(voting)

    if not voting:
        explanation.append(_("Hội đồng chưa có thành viên có quyền biểu quyết."))
        return _finish(rule, explanation, PENDING)

    # Who was present: the latest meeting's attendance, or everyone if no meeting is recorded yet.
    if meeting is None:
        present_ids = {m.id for m in voting}
        explanation.append(
            _("Chưa ghi nhận phiên họp nào: tạm coi tất cả %(n)d thành viên có quyền biểu quyết là có mặt.") % {"n": n}
        )
    else:
        present_ids = {m.id for m in voting if m.id in meeting.present_ids}
        where = _(", họp trực tuyến") if meeting.online else ""
        if meeting.place:
            where += _(" tại %(place)s") % {"place": meeting.place}
        explanation.append(
            _("Theo điểm danh phiên họp ngày %(date)s%(where)s.")
            % {"date": meeting.date.strftime("%d/%m/%Y"), "where": where}
        )
    for member_id in sorted(conflicted):
        if member_id in by_id:
            explanation.append(
                _("%(name)s có xung đột lợi ích với đối tượng này: không chấm, không tính vào số thành viên có mặt.")
                % {"name": by_id[member_id].name}
            )
    present = [m for m in voting if m.id in present_ids and m.id not in conflicted]
    ok, sentence = _quorum(rule, voting, present, len(present_ids & conflicted))
    explanation.append(sentence)
    p = len(present)
    if not ok:
        return _finish(rule, explanation, NO_QUORUM, present=p, members_total=n)

    present_set = {m.id for m in present}
    valid = [s for s in sheets if s.member_id in present_set]
    for sheet in sheets:
        member = by_id.get(sheet.member_id)
        if member is None or sheet.member_id in present_set:
            continue
        if sheet.member_id in conflicted:
            explanation.append(_("Phiếu của %(name)s không được tính (xung đột lợi ích).") % {"name": member.name})
        else:
            explanation.append(
                _("Phiếu của %(name)s không được tính vì thành viên này vắng mặt.") % {"name": member.name}
            )
    v = len(valid)
    submitted = {s.member_id for s in valid}
    missing = [m for m in present if m.id not in submitted]
    if missing:
        explanation.append(
            _("Đã có %(v)d/%(p)d phiếu; còn chờ phiếu của: %(names)s.") % {"v": v, "p": p, "names": _names(missing)}
        )
        return _finish(rule, explanation, PENDING, present=p, valid_sheets=v, members_total=n)

    fields = _score_stats(rule, valid, present)
    fields.update(present=p, valid_sheets=v, members_total=n)
    if rule.method == "score":
        return _by_score(rule, valid, p, explanation, fields)
    if rule.method == "vote":
        return _by_vote(rule, valid, p, explanation, fields)
    return _by_grade(rule, valid, p, explanation, fields)


def _score_stats(rule: Rule, valid: Sequence[SheetInfo], present: Sequence[MemberInfo]) -> dict[str, Any]:
    """Per-criterion means, the key criteria's mean and the chair's total: for pages and tie-breaks."""
    scored = [s for s in valid if s.scores]
    means: dict[str, Decimal] = {}
    key_mean: Fraction | None = None
    if scored:
        for criterion in rule.criteria:
            points = [s.scores.get(criterion.code, 0) for s in scored]
            means[criterion.code] = to_decimal(Fraction(sum(points), len(points)))
        key_codes = [c.code for c in rule.criteria if c.is_key]
        if key_codes:
            key_mean = Fraction(sum(s.scores.get(c, 0) for s in scored for c in key_codes), len(scored))
    chair_ids = {m.id for m in present if m.role == ROLE_CHAIR}
    chair_total = next((s.total for s in scored if s.member_id in chair_ids), None)
    return {"criterion_means": means, "key_mean": key_mean, "chair_total": chair_total}


def _by_score(
    rule: Rule, valid: Sequence[SheetInfo], p: int, explanation: list[str], fields: dict[str, Any]
) -> CouncilResult:
    """Selection / direct assignment: mean of valid sheets >= threshold, and no criterion scored 0
    by more than the allowed fraction of present members."""
    v = len(valid)
    exact_mean = Fraction(sum(s.total or 0 for s in valid), v)
    threshold = Fraction(rule.pass_mean_score) if rule.pass_mean_score is not None else None
    reaches = threshold is None or exact_mean >= threshold
    comparison = ""
    if threshold is not None:
        comparison = f" ({'≥' if reaches else '<'} {fmt_number(threshold)})"
    explanation.append(
        _("Điểm trung bình của %(v)d phiếu hợp lệ: %(mean)s/%(max)d%(cmp)s.")
        % {"v": v, "mean": fmt_number(exact_mean), "max": rule.max_total, "cmp": comparison}
    )
    zero_ok = True
    if rule.max_zero_fraction is not None:
        limit = rule.max_zero_fraction
        for criterion in rule.criteria:
            zeros = sum(1 for s in valid if s.scores.get(criterion.code) == 0)
            if zeros and Fraction(zeros, p) > limit:
                zero_ok = False
                explanation.append(
                    _("Tiêu chí “%(label)s” bị %(z)d/%(p)d thành viên có mặt cho 0 điểm (quá %(f)s).")
                    % {"label": criterion.label, "z": zeros, "p": p, "f": fmt_fraction(limit)}
                )
        if zero_ok:
            explanation.append(
                _("Không có tiêu chí nào bị quá %(f)s thành viên có mặt cho 0 điểm.") % {"f": fmt_fraction(limit)}
            )
    status = PASSED if reaches and zero_ok else FAILED
    return _finish(rule, explanation, status, mean_score=to_decimal(exact_mean), exact_mean=exact_mean, **fields)


def _by_vote(
    rule: Rule, valid: Sequence[SheetInfo], p: int, explanation: list[str], fields: dict[str, Any]
) -> CouncilResult:
    """Identification and the like: enough present members vote "recommend"."""
    yes = sum(1 for s in valid if s.conclusion == "recommend")
    needed = rule.recommend_fraction if rule.recommend_fraction is not None else Fraction(1, 2)
    passed = Fraction(yes, p) >= needed
    explanation.append(
        _("%(yes)d/%(p)d thành viên có mặt bỏ phiếu “%(label)s” (%(cmp)s %(f)s).")
        % {"yes": yes, "p": p, "label": rule.yes_label, "cmp": "≥" if passed else "<", "f": fmt_fraction(needed)}
    )
    scored = [s for s in valid if s.scores]
    mean: Decimal | None = None
    exact_mean: Fraction | None = None
    if scored and rule.criteria:
        exact_mean = Fraction(sum(s.total or 0 for s in scored), len(scored))
        mean = to_decimal(exact_mean)
        explanation.append(
            _("Điểm trung bình (tham khảo) của %(k)d phiếu có chấm điểm: %(mean)s/%(max)d.")
            % {"k": len(scored), "mean": fmt_number(exact_mean), "max": rule.max_total}
        )
    status = PASSED if passed else FAILED
    return _finish(rule, explanation, status, mean_score=mean, exact_mean=exact_mean, **fields)


def _by_grade(
    rule: Rule, valid: Sequence[SheetInfo], p: int, explanation: list[str], fields: dict[str, Any]
) -> CouncilResult:
    """Acceptance: "Đạt" if enough present members grade Đạt or better; "Xuất sắc" if enough grade
    Xuất sắc (and, where the rule says so, nobody grades Không đạt)."""
    excellent = sum(1 for s in valid if s.conclusion == "excellent")
    at_least_passed = sum(1 for s in valid if s.conclusion in ("excellent", "passed"))
    failed = sum(1 for s in valid if s.conclusion == "failed")
    pass_needed = rule.pass_fraction if rule.pass_fraction is not None else Fraction(3, 4)
    excellent_needed = rule.excellent_fraction if rule.excellent_fraction is not None else Fraction(3, 4)
    passes = Fraction(at_least_passed, p) >= pass_needed
    explanation.append(
        _("%(k)d/%(p)d thành viên có mặt xếp loại Đạt trở lên (%(cmp)s %(f)s).")
        % {"k": at_least_passed, "p": p, "cmp": "≥" if passes else "<", "f": fmt_fraction(pass_needed)}
    )
    enough_excellent = Fraction(excellent, p) >= excellent_needed
    sentence = _("%(k)d/%(p)d thành viên có mặt xếp loại Xuất sắc (%(cmp)s %(f)s)") % {
        "k": excellent,
        "p": p,
        "cmp": "≥" if enough_excellent else "<",
        "f": fmt_fraction(excellent_needed),
    }
    is_excellent = passes and enough_excellent
    if rule.excellent_requires_no_failed:
        if failed:
            sentence += _("; có %(k)d phiếu Không đạt nên không xếp loại Xuất sắc") % {"k": failed}
            is_excellent = False
        else:
            sentence += _("; không có phiếu Không đạt")
    explanation.append(sentence + ".")
    grade = "excellent" if is_excellent else ("passed" if passes else "failed")
    return _finish(rule, explanation, PASSED if passes else FAILED, grade=grade, **fields)


# --- Ranking ------------------------------------------------------------------------------------


@dataclass
class Ranked:
    key: Any  # the council object
    title: str
    result: CouncilResult
    rank: int | None = None
    winner: bool = False
    notes: list[str] = field(default_factory=list)


def _sort_key(r: Ranked) -> tuple[Fraction, Fraction, int]:
    res = r.result
    return (
        -(res.exact_mean if res.exact_mean is not None else Fraction(0)),
        -(res.key_mean if res.key_mean is not None else Fraction(0)),
        -(res.chair_total if res.chair_total is not None else 0),
    )


def rank(entries: Sequence[tuple[Any, str, CouncilResult]]) -> list[Ranked]:
    """Order the objects of one group by mean score. Equal means go to the key criteria's mean,
    then to the chair's score [chưa xác minh]; a tie that survives both is left to the chair and
    the notes say so. Only objects that passed can win; a tie at the top leaves no winner.

    `entries` are (object, title, result); objects without a final scored result come last, unranked.
    """
    items = [Ranked(key=k, title=t, result=r) for k, t, r in entries]
    scored = [r for r in items if r.result.exact_mean is not None and r.result.status in (PASSED, FAILED)]
    unscored = [r for r in items if r not in scored]
    scored.sort(key=_sort_key)
    previous: Ranked | None = None
    for position, item in enumerate(scored, start=1):
        if previous is not None and _sort_key(previous) == _sort_key(item):
            item.rank = previous.rank
            for a, b in ((previous, item), (item, previous)):
                a.notes.append(
                    _(
                        "Đồng hạng với “%(other)s” (bằng điểm trung bình, điểm tiêu chí ưu tiên và điểm của "
                        "Chủ tịch): Chủ tịch hội đồng quyết định."
                    )
                    % {"other": b.title}
                )
        else:
            item.rank = position
            if previous is not None and previous.result.exact_mean == item.result.exact_mean:
                _explain_tie_break(previous, item)
        previous = item

    passed = [r for r in scored if r.result.status == PASSED]
    if passed:
        tied_top = [r for r in passed if r.rank == passed[0].rank]
        if len(tied_top) == 1:
            passed[0].winner = True
    return scored + unscored


def _explain_tie_break(higher: Ranked, lower: Ranked) -> None:
    a, b = higher.result, lower.result
    mean = fmt_number(a.exact_mean or 0)
    if (a.key_mean or 0) != (b.key_mean or 0):
        higher.notes.append(
            _(
                "Bằng điểm trung bình (%(mean)s) với “%(other)s”; xếp trên nhờ điểm trung bình tiêu chí ưu tiên "
                "cao hơn (%(a)s so với %(b)s)."
            )
            % {"mean": mean, "other": lower.title, "a": fmt_number(a.key_mean or 0), "b": fmt_number(b.key_mean or 0)}
        )
    else:
        higher.notes.append(
            _(
                "Bằng điểm trung bình (%(mean)s) và điểm tiêu chí ưu tiên với “%(other)s”; xếp trên nhờ điểm của "
                "Chủ tịch hội đồng cao hơn (%(a)s so với %(b)s)."
            )
            % {"mean": mean, "other": lower.title, "a": a.chair_total or 0, "b": b.chair_total or 0}
        )
