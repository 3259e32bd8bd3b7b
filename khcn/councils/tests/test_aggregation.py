"""The rules that turn sheets into a result, through the public services and selectors."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from khcn.councils import selectors, services
from khcn.councils.aggregation import fmt_fraction, fmt_number
from khcn.councils.models import Council, RuleSet
from khcn.directory.models import Organisation

from .conftest import NINE, R, scores_totalling

pytestmark = pytest.mark.django_db


def _voting(members):
    return [m for m in members if m.role != R.ADMIN_SECRETARY]


def _by_role(members, role):
    return next(m for m in members if m.role == role)


# --- Quorum ---------------------------------------------------------------------------------------


def test_quorum_met_with_chair_and_both_reviewers_explains_itself(build):
    council, members = build.council()
    obj = build.object(council, "Hồ sơ A")
    voting = _voting(members)
    present = voting[:7]  # chair, vice, reviewers, three members
    build.meeting(council, present)
    for member, total in zip(present, [80, 78, 75, 82, 70, 85, 79], strict=True):
        build.sheet(obj, member, total=total)
    result = selectors.council_result(obj)
    assert result.status == "passed"
    assert result.present == 7 and result.valid_sheets == 7
    assert (
        "Có 7/9 thành viên có mặt, đủ 2/3 số thành viên, có Chủ tịch và 2 phản biện: đủ điều kiện họp."
        in result.explanation
    )
    assert "Điểm trung bình của 7 phiếu hợp lệ: 78,43/100 (≥ 70)." in result.explanation
    assert "Không có tiêu chí nào bị quá 1/3 thành viên có mặt cho 0 điểm." in result.explanation
    assert result.explanation[-1] == "Kết luận: ĐẠT"
    assert result.mean_score == Decimal("78.43")


def test_exactly_two_thirds_present_is_a_quorum(build):
    council, members = build.council()
    obj = build.object(council)
    present = _voting(members)[:6]  # 6/9 = 2/3 exactly: an exact fraction, not 0.6667
    build.meeting(council, present)
    for member in present:
        build.sheet(obj, member, total=75)
    result = selectors.council_result(obj)
    assert result.status == "passed"
    assert (
        "Có 6/9 thành viên có mặt, đủ 2/3 số thành viên, có Chủ tịch và 2 phản biện: đủ điều kiện họp."
        in result.explanation
    )


def test_below_two_thirds_is_no_quorum_whatever_the_scores(build):
    council, members = build.council()
    obj = build.object(council)
    present = _voting(members)[:5]
    build.meeting(council, present)
    for member in present:
        build.sheet(obj, member, total=95)
    result = selectors.council_result(obj)
    assert result.status == "no_quorum"
    assert result.mean_score is None
    assert (
        "Có 5/9 thành viên có mặt, chưa đủ 2/3 số thành viên, có Chủ tịch và 2 phản biện: không đủ điều kiện họp."
        in result.explanation
    )
    assert result.explanation[-1] == "Kết luận: KHÔNG ĐỦ ĐIỀU KIỆN HỌP"


def test_without_chair_and_vice_chair_there_is_no_quorum(build):
    council, members = build.council()
    obj = build.object(council)
    present = [m for m in _voting(members) if m.role not in (R.CHAIR, R.VICE_CHAIR)]  # 7/9
    build.meeting(council, present)
    result = selectors.council_result(obj)
    assert result.status == "no_quorum"
    assert any("vắng cả Chủ tịch và Phó Chủ tịch" in line for line in result.explanation)


def test_vice_chair_stands_in_for_an_absent_chair(build):
    council, members = build.council()
    obj = build.object(council)
    present = [m for m in _voting(members) if m.role != R.CHAIR]
    build.meeting(council, present)
    for member in present:
        build.sheet(obj, member, total=72)
    result = selectors.council_result(obj)
    assert result.status == "passed"
    assert any("có Phó Chủ tịch chủ trì thay Chủ tịch vắng mặt và 2 phản biện" in line for line in result.explanation)


def test_a_missing_reviewer_means_no_quorum(build):
    council, members = build.council()
    obj = build.object(council)
    present = [m for m in _voting(members) if m.role != R.REVIEWER_2]
    build.meeting(council, present)
    result = selectors.council_result(obj)
    assert result.status == "no_quorum"
    assert any("vắng phản biện 2" in line for line in result.explanation)


def test_administrative_secretary_neither_counts_nor_votes(build):
    council, members = build.council()
    obj = build.object(council)
    secretary = _by_role(members, R.ADMIN_SECRETARY)
    present = [*_voting(members)[:5], secretary]  # 5 voting + the secretary: still 5/9
    build.meeting(council, present)
    assert selectors.council_result(obj).status == "no_quorum"


def test_a_conflicted_member_is_excluded_from_the_quorum_of_that_object_only(build):
    council, members = build.council()
    conflicted_obj = build.object(council, "Hồ sơ có xung đột")
    other_obj = build.object(council, "Hồ sơ khác")
    present = _voting(members)[:6]  # exactly 2/3
    build.meeting(council, present)
    member = present[5]
    services.conflict_declare(
        council_object=conflicted_obj, member=member, reason="Cùng cơ quan với chủ nhiệm", by=build.officer
    )
    result = selectors.council_result(conflicted_obj)
    assert result.status == "no_quorum"
    assert any("có xung đột lợi ích với đối tượng này" in line for line in result.explanation)
    assert any(
        "Có 5/9 thành viên có mặt (không tính 1 thành viên có xung đột lợi ích)" in line for line in result.explanation
    )
    for m in present:
        build.sheet(other_obj, m, total=80)
    assert selectors.council_result(other_obj).status == "passed"


def test_a_sheet_sent_before_a_conflict_was_declared_is_not_counted(build):
    council, members = build.council()
    obj = build.object(council)
    voting = _voting(members)
    build.meeting(council, voting)  # 9/9
    for member in voting:
        build.sheet(obj, member, total=60 if member == voting[8] else 71)
    services.conflict_declare(council_object=obj, member=voting[8], reason="Phát hiện sau khi chấm", by=build.officer)
    result = selectors.council_result(obj)
    assert result.valid_sheets == 8 and result.present == 8
    assert result.mean_score == Decimal("71.00")
    assert any("không được tính (xung đột lợi ích)" in line for line in result.explanation)


def test_without_a_recorded_meeting_every_voting_member_counts_as_present(build):
    council, members = build.council()
    obj = build.object(council)
    for member in _voting(members):
        build.sheet(obj, member, total=74)
    result = selectors.council_result(obj)
    assert result.status == "passed"
    assert (
        result.explanation[0]
        == "Chưa ghi nhận phiên họp nào: tạm coi tất cả 9 thành viên có quyền biểu quyết là có mặt."
    )


def test_result_is_pending_until_every_present_member_has_a_sheet_and_absent_sheets_do_not_count(build):
    council, members = build.council()
    obj = build.object(council)
    voting = _voting(members)
    present, absent = voting[:7], voting[7]
    build.sheet(obj, absent, total=10)  # scored online before the meeting, then stayed away
    build.meeting(council, present)
    for member in present[:6]:
        build.sheet(obj, member, total=80)
    result = selectors.council_result(obj)
    assert result.status == "pending"
    assert any("không được tính vì thành viên này vắng mặt" in line for line in result.explanation)
    assert any(f"còn chờ phiếu của: {present[6].person.display_name}" in line for line in result.explanation)
    build.sheet(obj, present[6], total=80)
    result = selectors.council_result(obj)
    assert result.status == "passed" and result.valid_sheets == 7 and result.mean_score == Decimal("80.00")


# --- Selection thresholds -----------------------------------------------------------------------


def test_a_mean_of_exactly_seventy_passes_and_just_below_fails(build):
    council, members = build.council()
    exact, below = build.object(council), build.object(council)
    present = _voting(members)[:6]
    build.meeting(council, present)
    for member in present:
        build.sheet(exact, member, total=70)
    for member, total in zip(present, [70, 70, 70, 70, 70, 69], strict=True):
        build.sheet(below, member, total=total)
    assert selectors.council_result(exact).status == "passed"
    result = selectors.council_result(below)
    assert result.status == "failed"
    assert "Điểm trung bình của 6 phiếu hợp lệ: 69,83/100 (< 70)." in result.explanation
    assert result.explanation[-1] == "Kết luận: KHÔNG ĐẠT"


def test_a_criterion_zeroed_by_more_than_a_third_fails_even_with_a_high_mean(build):
    council, members = build.council()
    obj = build.object(council)
    present = _voting(members)[:7]
    build.meeting(council, present)
    rule_set = council.rule_set
    for i, member in enumerate(present):
        zero = "kinh_phi" if i < 3 else None  # 3 of 7 present give 0: more than 1/3
        scores = scores_totalling(rule_set, 85, zero=zero)
        build.sheet(obj, member, scores=scores)
    result = selectors.council_result(obj)
    assert result.mean_score >= 70
    assert result.status == "failed"
    assert (
        "Tiêu chí “Tính hợp lý của dự toán kinh phí” bị 3/7 thành viên có mặt cho 0 điểm (quá 1/3)."
        in result.explanation
    )


def test_a_criterion_zeroed_by_exactly_a_third_is_allowed(build):
    council, members = build.council()
    obj = build.object(council)
    present = _voting(members)  # 9 present; 3 zeros = 1/3, not more
    build.meeting(council, present)
    for i, member in enumerate(present):
        build.sheet(obj, member, scores=scores_totalling(council.rule_set, 80, zero="kinh_phi" if i < 3 else None))
    result = selectors.council_result(obj)
    assert result.status == "passed"
    assert "Không có tiêu chí nào bị quá 1/3 thành viên có mặt cho 0 điểm." in result.explanation


def test_ties_between_two_objects_go_to_the_key_criterion_then_the_chair(build):
    council, members = build.council()
    present = _voting(members)[:6]
    chair = _by_role(present, R.CHAIR)
    build.meeting(council, present)
    a = build.object(council, "Hồ sơ của Viện A")
    b = build.object(council, "Hồ sơ của Trường B")
    c = build.object(council, "Hồ sơ của Công ty C")
    d = build.object(council, "Hồ sơ của HTX D")
    # A and B: same totals (80); A is stronger on the key criterion "noi_dung".
    strong_key = {"can_thiet": 8, "muc_tieu": 8, "noi_dung": 30, "san_pham": 14, "nang_luc": 10, "kinh_phi": 10}
    weak_key = {"can_thiet": 10, "muc_tieu": 10, "noi_dung": 20, "san_pham": 20, "nang_luc": 10, "kinh_phi": 10}
    # C and D: identical sheets in every respect, chair included.
    for member in present:
        build.sheet(a, member, scores=strong_key)
        build.sheet(b, member, scores=weak_key)
        build.sheet(c, member, scores=weak_key)
        build.sheet(d, member, scores=weak_key)
    result_a, result_b = selectors.council_result(a), selectors.council_result(b)
    assert result_a.mean_score == result_b.mean_score == Decimal("80.00")
    ranking = selectors.council_ranking(council)[""]
    assert [r.key for r in ranking][0] == a
    assert ranking[0].winner is True and ranking[0].rank == 1
    assert any("xếp trên nhờ điểm trung bình tiêu chí ưu tiên cao hơn (30 so với 20)" in n for n in ranking[0].notes)
    tied = [r for r in ranking if r.key in (b, c, d)]
    assert {r.rank for r in tied} == {2}
    assert all(any("Chủ tịch hội đồng quyết định" in n for n in r.notes) for r in tied)
    assert chair.role == R.CHAIR


def test_chair_score_breaks_a_tie_left_by_the_key_criterion(build):
    council, members = build.council()
    present = _voting(members)[:6]
    build.meeting(council, present)
    a, b = build.object(council, "Hồ sơ A", group="NV-01"), build.object(council, "Hồ sơ B", group="NV-01")
    chair = _by_role(present, R.CHAIR)
    other = next(m for m in present if m.role == R.MEMBER)
    base = {"can_thiet": 8, "muc_tieu": 8, "noi_dung": 24, "san_pham": 16, "nang_luc": 12, "kinh_phi": 12}  # 80
    plus = dict(base, can_thiet=10)  # 82
    minus = dict(base, can_thiet=6)  # 78
    for member in present:
        if member == chair:
            build.sheet(a, member, scores=plus)
            build.sheet(b, member, scores=minus)
        elif member == other:
            build.sheet(a, member, scores=minus)
            build.sheet(b, member, scores=plus)
        else:
            build.sheet(a, member, scores=base)
            build.sheet(b, member, scores=base)
    ranking = selectors.council_ranking(council)["NV-01"]
    assert ranking[0].key == a and ranking[0].winner
    assert any("nhờ điểm của Chủ tịch hội đồng cao hơn (82 so với 78)" in n for n in ranking[0].notes)


def test_a_failed_object_never_wins(build):
    council, members = build.council()
    present = _voting(members)[:6]
    build.meeting(council, present)
    only = build.object(council)
    for member in present:
        build.sheet(only, member, total=65)
    ranking = selectors.council_ranking(council)[""]
    assert ranking[0].rank == 1 and ranking[0].winner is False


# --- Acceptance --------------------------------------------------------------------------------

ACCEPTANCE_SEATS = [
    R.CHAIR,
    R.VICE_CHAIR,
    R.REVIEWER_1,
    R.REVIEWER_2,
    R.MEMBER,
    R.MEMBER,
    R.MEMBER,
    R.SCIENTIFIC_SECRETARY,
]


@pytest.mark.parametrize(
    ("grades", "status", "grade", "needle"),
    [
        (["passed"] * 6 + ["failed"] * 2, "passed", "passed", "6/8 thành viên có mặt xếp loại Đạt trở lên (≥ 3/4)."),
        (["passed"] * 5 + ["failed"] * 3, "failed", "failed", "5/8 thành viên có mặt xếp loại Đạt trở lên (< 3/4)."),
        (
            ["excellent"] * 6 + ["passed"] * 2,
            "passed",
            "excellent",
            "6/8 thành viên có mặt xếp loại Xuất sắc (≥ 3/4); không có phiếu Không đạt.",
        ),
        (
            ["excellent"] * 7 + ["failed"],
            "passed",
            "passed",
            "7/8 thành viên có mặt xếp loại Xuất sắc (≥ 3/4); có 1 phiếu Không đạt nên không xếp loại Xuất sắc.",
        ),
        (
            ["excellent"] * 5 + ["passed"] * 3,
            "passed",
            "passed",
            "5/8 thành viên có mặt xếp loại Xuất sắc (< 3/4); không có phiếu Không đạt.",
        ),
    ],
)
def test_acceptance_three_quarters_rules(build, grades, status, grade, needle):
    council, members = build.council(Council.Kind.ACCEPTANCE, ACCEPTANCE_SEATS)
    obj = build.object(council)
    build.meeting(council, members)
    for member, g in zip(members, grades, strict=True):
        build.sheet(obj, member, grade=g)
    result = selectors.council_result(obj)
    assert (result.status, result.grade) == (status, grade)
    assert needle in result.explanation
    expected = {"excellent": "XUẤT SẮC", "passed": "ĐẠT", "failed": "KHÔNG ĐẠT"}[grade]
    assert result.explanation[-1] == f"Kết luận: {expected}"


def test_acceptance_counts_absent_sheets_against_present_members_only(build):
    council, members = build.council(Council.Kind.ACCEPTANCE, ACCEPTANCE_SEATS)
    obj = build.object(council)
    present = members[:6]  # 6/8 ≥ 2/3, chair and reviewers present
    build.meeting(council, present)
    for member in present:
        build.sheet(obj, member, grade="passed")
    result = selectors.council_result(obj)
    assert result.present == 6 and result.grade == "passed"


# --- Identification -------------------------------------------------------------------------------


def test_identification_needs_two_thirds_of_present_members_to_recommend(build):
    council, members = build.council(Council.Kind.IDENTIFICATION, NINE)
    yes_obj, no_obj = build.object(council, "Đề xuất được đề nghị"), build.object(council, "Đề xuất bị loại")
    build.meeting(council, members)
    for i, member in enumerate(members):
        build.sheet(yes_obj, member, vote="recommend" if i < 6 else "not_recommend")  # 6/9 = 2/3
        build.sheet(no_obj, member, vote="recommend" if i < 5 else "not_recommend")  # 5/9
    yes, no = selectors.council_result(yes_obj), selectors.council_result(no_obj)
    assert yes.status == "passed"
    assert "6/9 thành viên có mặt bỏ phiếu “đề nghị thực hiện” (≥ 2/3)." in yes.explanation
    assert yes.explanation[-1] == "Kết luận: ĐỀ NGHỊ THỰC HIỆN"
    assert no.status == "failed"
    assert no.explanation[-1] == "Kết luận: KHÔNG ĐỀ NGHỊ THỰC HIỆN"


def test_identification_scores_are_optional_and_reported_for_reference(build):
    council, members = build.council(Council.Kind.IDENTIFICATION, NINE[:6])
    obj = build.object(council)
    build.meeting(council, members)
    for i, member in enumerate(members):
        scores = scores_totalling(council.rule_set, 80) if i < 2 else None
        build.sheet(obj, member, vote="recommend", scores=scores)
    result = selectors.council_result(obj)
    assert result.status == "passed"
    assert "Điểm trung bình (tham khảo) của 2 phiếu có chấm điểm: 80/100." in result.explanation


# --- Rule sets and formatting ------------------------------------------------------------------------


def test_every_kind_has_a_seeded_rule_set_with_uncertain_values_marked():
    seeded = {rs.kind: rs for rs in RuleSet.objects.all()}
    assert set(seeded) == set(Council.Kind.values)
    selection = seeded["selection"]
    assert selection.fraction("quorum_fraction") == Fraction(2, 3)
    assert selection.fraction("max_zero_fraction") == Fraction(1, 3)
    assert selection.pass_mean_score == 70
    assert sum(c.max_points for c in selection.criteria.all()) == 100
    assert selection.criteria.filter(is_key=True).count() == 1
    assert seeded["acceptance"].fraction("pass_fraction") == Fraction(3, 4)
    assert seeded["acceptance"].fraction("excellent_fraction") == Fraction(3, 4)
    assert seeded["identification"].fraction("recommend_fraction") == Fraction(2, 3)
    assert all("[chưa xác minh" in rs.legal_basis for rs in seeded.values())


def test_a_decimal_quorum_typed_by_staff_is_compared_exactly(build):
    rule_set = RuleSet.objects.get(kind="selection")
    rule_set.quorum_fraction = "0.6667"
    rule_set.save()
    rule_set.refresh_from_db()
    assert rule_set.quorum_fraction == Fraction(6667, 10000)
    council, members = build.council()
    obj = build.object(council)
    build.meeting(council, _voting(members)[:6])  # 6/9 = 0.6666… < 0.6667
    result = selectors.council_result(obj)
    assert result.status == "no_quorum"
    assert any("chưa đủ 66,67% số thành viên" in line for line in result.explanation)


def test_formatting_helpers():
    assert fmt_number(Decimal("78.50")) == "78,5"
    assert fmt_number(Fraction(235, 3)) == "78,33"
    assert fmt_number(70) == "70"
    assert fmt_fraction(Fraction(2, 3)) == "2/3"


def test_council_objects_for_finds_every_appearance_of_a_record(build):
    council_a, _ = build.council(Council.Kind.IDENTIFICATION, NINE[:3])
    council_b, _ = build.council(Council.Kind.SELECTION, NINE[:3])
    record = Organisation.objects.create(name="Đề xuất X")  # any record can be judged
    first = services.council_object_add(council=council_a, target=record, by=build.officer)
    second = services.council_object_add(council=council_b, target=record, by=build.officer, title="Hồ sơ X")
    assert list(selectors.council_objects_for(record)) == [first, second]
    assert first.title == "Đề xuất X" and second.title == "Hồ sơ X"


def test_an_emptied_rule_set_table_gets_the_defaults_back(science_officer):
    from khcn.councils import services
    from khcn.councils.models import RuleCriterion

    RuleCriterion.objects.all().delete()
    RuleSet.objects.all()._raw_delete(RuleSet.objects.db)  # what a test flush does; Record.delete() refuses
    council = services.council_create(
        kind="selection", year=2024, name="Hội đồng sau khi xoá dữ liệu", by=science_officer
    )
    assert council.rule_set.kind == "selection"
    assert RuleSet.objects.count() == len(Council.Kind.values)
