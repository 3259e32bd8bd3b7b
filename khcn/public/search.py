"""One search over the public S&T database, with two backends behind one interface.

- SQLite: an FTS5 table `public_search_fts(text, kind UNINDEXED)` over text folded in Python
  (FTS5's remove_diacritics does not fold đ, perf-notes §3.6 finding 3), ranked by BM25.
- PostgreSQL: a stored generated tsvector over the same folded text (`simple` config: Vietnamese
  has no stemmer), ranked by ts_rank (perf-notes §3.6 finding 1: a stored column ranks 7–8× faster
  than an expression index); when full text finds nothing, pg_trgm word similarity over the
  folded *title* (short text only, finding 5) offers near matches for typos.

The query is folded the same way, so "long nhan", "Long nhãn" and "LONG NHÃN" are one query.
Hits are re-checked against the public querysets (one query per kind on the page), so a record
unpublished since it was indexed never shows, even before the index is rebuilt.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from khcn.lib.text import fold
from khcn.public import selectors
from khcn.public.models import SearchEntry

MAX_QUERY_WORDS = 12
_WORD = re.compile(r"[0-9a-z]+")


# --- What is indexed ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One kind of public record: its public queryset and how it reads as a search entry."""

    kind: str
    label: Any
    queryset: Callable[[], QuerySet]
    entry: Callable[[Any], dict[str, Any]]


def _join(*parts: Any) -> str:
    return " ".join(str(p) for p in parts if p)


def _task_entry(task: Any) -> dict[str, Any]:
    pi = selectors.public_name(task.pi)
    return {
        "title": f"{task.code} – {task.title}",
        "summary": _join(task.host.name if task.host else "", pi, task.get_status_display()),
        "url": reverse("public:task-detail", args=[task.pk]),
        "year": task.plan_year,
        "text": _join(task.code, task.title, task.objectives, task.host.name if task.host else "", pi, task.field.name),
    }


def _organisation_entry(org: Any) -> dict[str, Any]:
    return {
        "title": org.name,
        "summary": _join(org.get_kind_display(), org.address),
        "url": reverse("public:organisation-detail", args=[org.pk]),
        "year": None,
        "text": _join(org.name, org.short_name, org.address, org.get_kind_display()),
    }


def _person_entry(person: Any) -> dict[str, Any]:
    org = person.organisation.name if person.organisation else ""
    return {
        "title": person.display_name,
        "summary": _join(person.position, org),
        "url": reverse("public:person-detail", args=[person.pk]),
        "year": None,
        "text": _join(person.full_name, person.position, org, person.field.name if person.field else ""),
    }


def _initiative_entry(initiative: Any) -> dict[str, Any]:
    return {
        "title": initiative.title,
        "summary": _join(initiative.unit.name, initiative.get_field_display()),
        "url": reverse("public:initiative-list") + f"#sk-{initiative.pk}",
        "year": initiative.year,
        "text": _join(initiative.code, initiative.title, initiative.description, initiative.unit.name),
    }


def certificate_holder_name(certificate: Any) -> str:
    if certificate.holder_organisation_id:
        return certificate.holder_organisation.name
    return selectors.public_name(certificate.holder_person) or str(_("Hộ sản xuất (không công khai tên)"))


def _certificate_entry(cert: Any) -> dict[str, Any]:
    holder = certificate_holder_name(cert)
    return {
        "title": f"{cert.designation} – {holder}",
        "summary": _join(cert.get_kind_display(), cert.get_product_display(), cert.growing_area),
        "url": reverse("public:certificate-list") + f"#gcn-{cert.pk}",
        "year": cert.issue_date.year,
        "text": _join(
            cert.designation,
            cert.get_kind_display(),
            cert.get_product_display(),
            holder,
            cert.growing_area,
            cert.number,
        ),
    }


def _legal_document_entry(doc: Any) -> dict[str, Any]:
    return {
        "title": f"{doc.get_form_display()} {doc.number}",
        "summary": doc.subject[:300],
        "url": doc.get_public_url(),
        "year": doc.issue_date.year,
        "text": _join(doc.number, doc.subject, doc.issuer.name, doc.signer),
    }


def _article_entry(article: Any) -> dict[str, Any]:
    return {
        "title": article.title,
        "summary": article.summary[:300],
        "url": article.get_public_url(),
        "year": article.published_at.year if article.published_at else None,
        "text": _join(article.title, article.summary, article.body),
    }


def _articles_with_body() -> QuerySet:
    # The public list defers the body; the index reads it.
    return selectors.article_list_public().defer(None)


SOURCES: dict[str, Source] = {
    s.kind: s
    for s in (
        Source("task", _("Nhiệm vụ KH&CN"), selectors.task_list_public, _task_entry),
        Source("organisation", _("Tổ chức"), selectors.organisation_list_public, _organisation_entry),
        Source("person", _("Nhà khoa học"), selectors.person_list_public, _person_entry),
        Source("initiative", _("Sáng kiến"), selectors.initiative_list_public, _initiative_entry),
        Source(
            "certificate",
            _("Chỉ dẫn địa lý, nhãn hiệu chứng nhận"),
            selectors.certificate_list_public,
            _certificate_entry,
        ),
        Source("legal_document", _("Văn bản"), selectors.legal_document_list_public, _legal_document_entry),
        Source("article", _("Tin bài"), _articles_with_body, _article_entry),
    )
}


def source_for(model: type[Model]) -> Source | None:
    for source in SOURCES.values():
        if source.queryset().model is model:
            return source
    return None


# --- Keeping the index in sync --------------------------------------------------------------------------


def _fts_delete(ids: Iterable[int]) -> None:
    ids = list(ids)
    if connection.vendor != "sqlite" or not ids:
        return
    with connection.cursor() as cursor:
        cursor.executemany("DELETE FROM public_search_fts WHERE rowid = %s", [(i,) for i in ids])


def _fts_insert(rows: Iterable[tuple[int, str, str]]) -> None:
    rows = list(rows)
    if connection.vendor != "sqlite" or not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany("INSERT INTO public_search_fts(rowid, text, kind) VALUES (%s, %s, %s)", rows)


@transaction.atomic
def record_reindex(record: Model) -> SearchEntry | None:
    """(Re)index one record: an entry if the public may see it now, none otherwise."""
    source = source_for(type(record))
    content_type = ContentType.objects.get_for_model(type(record))
    old = list(SearchEntry.objects.filter(content_type=content_type, object_id=record.pk).values_list("pk", flat=True))
    _fts_delete(old)
    SearchEntry.objects.filter(pk__in=old).delete()
    if source is None:
        return None
    public = source.queryset().filter(pk=record.pk).first()
    if public is None:
        return None
    data = source.entry(public)
    text = data.pop("text")
    entry = SearchEntry.objects.create(
        kind=source.kind, content_type=content_type, object_id=record.pk, folded=fold(f"{data['title']} {text}"), **data
    )
    _fts_insert([(entry.pk, entry.folded, entry.kind)])
    return entry


def _write_entries(entries: list[SearchEntry]) -> int:
    if not entries:
        return 0
    created = SearchEntry.objects.bulk_create(entries)  # ids come back on SQLite and PostgreSQL
    _fts_insert((e.pk, e.folded, e.kind) for e in created)
    return len(created)


@transaction.atomic
def reindex_all(kinds: Iterable[str] | None = None, batch: int = 1000) -> dict[str, int]:
    """Rebuild the index for the given kinds (all by default), in batches; returns counts per kind."""
    counts: dict[str, int] = {}
    if not kinds and connection.vendor == "sqlite":
        # A full rebuild starts from an empty FTS table, so rows left by a flushed test database
        # (or a crash between the two writes) cannot survive.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM public_search_fts")
    for kind in kinds or SOURCES:
        source = SOURCES[kind]
        old = list(SearchEntry.objects.filter(kind=kind).values_list("pk", flat=True))
        for start in range(0, len(old), batch):
            _fts_delete(old[start : start + batch])
        SearchEntry.objects.filter(kind=kind).delete()
        qs = source.queryset()
        content_type = ContentType.objects.get_for_model(qs.model)
        pending: list[SearchEntry] = []
        counts[kind] = 0
        for record in qs.iterator(chunk_size=batch):
            data = source.entry(record)
            text = data.pop("text")
            pending.append(
                SearchEntry(
                    kind=kind,
                    content_type=content_type,
                    object_id=record.pk,
                    folded=fold(f"{data['title']} {text}"),
                    indexed_at=timezone.now(),
                    **data,
                )
            )
            if len(pending) >= batch:
                counts[kind] += _write_entries(pending)
                pending = []
        counts[kind] += _write_entries(pending)
    return counts


# --- Querying ---------------------------------------------------------------------------------------------


def query_words(query: str) -> list[str]:
    """The folded words of a query: letters and digits only, so nothing reaches FTS syntax."""
    return _WORD.findall(fold(query))[:MAX_QUERY_WORDS]


@dataclass
class Hit:
    entry: SearchEntry
    score: float
    title_html: SafeString = mark_safe("")  # noqa: S308 - empty literal
    summary_html: SafeString = mark_safe("")  # noqa: S308 - empty literal

    @property
    def kind_label(self) -> str:
        return str(SOURCES[self.entry.kind].label) if self.entry.kind in SOURCES else self.entry.kind


@dataclass
class Results:
    query: str
    words: list[str]
    total: int
    hits: list[Hit] = field(default_factory=list)
    by_kind: dict[str, int] = field(default_factory=dict)
    fuzzy: bool = False
    # More than COUNT_CAP matches: total and by_kind are lower bounds ("more than 10,000").
    capped: bool = False


# A query matching a large part of the database ("nong nghiep") costs its match count twice: once to
# count and once to rank every match (perf-notes §3.5: a plain ranked query over a stored tsvector,
# p50 40 ms but p95 200–230 ms at 1M rows). Past these caps the page says "more than N" and ranks
# the first RANK_CANDIDATES matches in index order; a narrower query (or a kind facet) is ranked
# exactly. Both are settings so a department with a fast server can raise them.
def count_cap() -> int:
    return int(getattr(settings, "KHCN_SEARCH_COUNT_CAP", 10_000))


def _caps(limit: int, offset: int) -> tuple[int, int]:
    cap = count_cap()
    candidates = max(int(getattr(settings, "KHCN_SEARCH_RANK_CANDIDATES", 5_000)), offset + limit)
    return cap, candidates


def _counted(cursor: Any, sql: str, params: list[Any], kind: str, cap: int) -> tuple[int, dict[str, int], bool]:
    """Matches by kind, counting at most cap + 1 rows; `sql` selects the kind of each match
    and ends with its WHERE clause, so a kind filter can be appended for a capped kind's total."""
    cursor.execute(f"SELECT kind, count(*) FROM ({sql} LIMIT %s) m GROUP BY kind", [*params, cap + 1])  # noqa: S608
    by_kind = dict(cursor.fetchall())
    seen = sum(by_kind.values())
    if seen <= cap:
        return (by_kind.get(kind, 0) if kind else seen), by_kind, False
    if not kind:
        return seen, by_kind, True
    # The first cap matches did not reach every kind: count the chosen one on its own.
    cursor.execute(f"SELECT count(*) FROM ({sql} AND kind = %s LIMIT %s) m", [*params, kind, cap + 1])  # noqa: S608
    kind_total = cursor.fetchone()[0]
    by_kind[kind] = kind_total
    return kind_total, by_kind, kind_total > cap


def _sqlite_search(
    words: list[str], kind: str, limit: int, offset: int
) -> tuple[list[tuple[int, float]], int, dict[str, int], bool]:
    cap, candidates = _caps(limit, offset)
    match = " ".join(f'"{w}"' for w in words)  # quoted words: an implicit AND, no FTS operators
    where = "public_search_fts MATCH %s"
    params: list[Any] = [match]
    with connection.cursor() as cursor:
        total, by_kind, capped = _counted(
            cursor, f"SELECT kind FROM public_search_fts WHERE {where}", params, kind, cap  # noqa: S608
        )
        if kind:
            where += " AND kind = %s"
            params.append(kind)
        # The inner LIMIT bounds how many rows bm25 scores; below it the ranking is exact.
        cursor.execute(
            f"SELECT rowid, r FROM (SELECT rowid, rank AS r FROM public_search_fts WHERE {where} LIMIT %s) "  # noqa: S608
            "ORDER BY r, rowid LIMIT %s OFFSET %s",
            [*params, candidates, limit, offset],
        )
        # bm25 is negative (smaller is better): turn it into a positive score.
        rows = [(rowid, -rank) for rowid, rank in cursor.fetchall()]
    return rows, total, by_kind, capped


def _pg_search(
    words: list[str], kind: str, limit: int, offset: int
) -> tuple[list[tuple[int, float]], int, dict[str, int], bool]:
    cap, candidates = _caps(limit, offset)
    tsquery = " & ".join(words)  # words are [0-9a-z]+ only
    with connection.cursor() as cursor:
        if not kind:
            # One statement: the GIN bitmap of a common query is most of its cost (perf-notes §3.5),
            # so the matches are found once and both counted and ranked from the same rows.
            cursor.execute(
                "WITH q AS (SELECT to_tsquery('simple', %s) AS q), "
                "m AS MATERIALIZED (SELECT e.id, e.kind, e.tsv FROM public_searchentry e, q WHERE e.tsv @@ q.q LIMIT %s) "
                "(SELECT NULL::bigint AS id, kind, count(*)::float8 AS v FROM m GROUP BY kind) "
                "UNION ALL (SELECT c.id, NULL, ts_rank(c.tsv, q.q) AS v FROM (SELECT id, tsv FROM m LIMIT %s) c, q "
                "ORDER BY v DESC, id LIMIT %s OFFSET %s)",
                # A page past the cap (paging through "more than N") still needs its candidates.
                [tsquery, max(cap + 1, candidates), candidates, limit, offset],
            )
            fetched = cursor.fetchall()
            by_kind = {k: int(v) for pk, k, v in fetched if pk is None}
            rows = [(pk, float(v)) for pk, _k, v in fetched if pk is not None]
            seen = sum(by_kind.values())
            return rows, seen, by_kind, seen > cap
        total, by_kind, capped = _counted(
            cursor, "SELECT kind FROM public_searchentry WHERE tsv @@ to_tsquery('simple', %s)", [tsquery], kind, cap
        )
        # The inner LIMIT bounds how many rows ts_rank scores; below it the ranking is exact.
        cursor.execute(
            "SELECT c.id, ts_rank(c.tsv, q) AS r FROM (SELECT id, tsv FROM public_searchentry "
            "WHERE tsv @@ to_tsquery('simple', %s) AND kind = %s LIMIT %s) c, to_tsquery('simple', %s) q "
            "ORDER BY r DESC, c.id LIMIT %s OFFSET %s",
            [tsquery, kind, candidates, tsquery, limit, offset],
        )
        rows = [(pk, float(r)) for pk, r in cursor.fetchall()]
    return rows, total, by_kind, capped


def _pg_fuzzy(words: list[str], kind: str, limit: int) -> list[tuple[int, float]]:
    """Near matches on the start of the folded text (the title; pg_trgm), for a typo when full
    text finds nothing. Trigram ranking is for short text only (perf-notes §3.6 finding 5)."""
    phrase = " ".join(words)
    kind_sql = " AND kind = %s" if kind else ""
    with connection.cursor() as cursor:
        sql = f"SELECT id, word_similarity(%s, left(folded, 200)) AS s FROM public_searchentry WHERE %s <%% left(folded, 200){kind_sql} ORDER BY s DESC, id LIMIT %s"  # noqa: S608
        cursor.execute(sql, [phrase, phrase, *([kind] if kind else []), limit])
        return [(pk, float(s)) for pk, s in cursor.fetchall()]


def search(query: str, *, kind: str = "", limit: int = 20, offset: int = 0) -> Results:
    """Ranked public records matching every word of `query`, with matches highlighted."""
    words = query_words(query)
    results = Results(query=query, words=words, total=0)
    if not words:
        return results
    kind = kind if kind in SOURCES else ""
    if connection.vendor == "postgresql":
        rows, results.total, results.by_kind, results.capped = _pg_search(words, kind, limit, offset)
        if not rows and offset == 0:
            rows = _pg_fuzzy(words, kind, limit)
            results.fuzzy = bool(rows)
            results.total = len(rows)
    else:
        rows, results.total, results.by_kind, results.capped = _sqlite_search(words, kind, limit, offset)
    entries = SearchEntry.objects.in_bulk([pk for pk, _score in rows])
    visible = _still_public(list(entries.values()))
    for pk, score in rows:
        entry = entries.get(pk)
        if entry is None or entry.pk not in visible:
            continue
        results.hits.append(
            Hit(
                entry=entry,
                score=score,
                title_html=highlight(entry.title, words),
                summary_html=highlight(entry.summary, words),
            )
        )
    return results


def _still_public(entries: list[SearchEntry]) -> set[int]:
    """Entry ids whose record is still public: one query per kind on the page, not per hit."""
    by_kind: dict[str, dict[int, int]] = defaultdict(dict)
    for entry in entries:
        by_kind[entry.kind][entry.object_id] = entry.pk
    visible: set[int] = set()
    for kind, objects in by_kind.items():
        source = SOURCES.get(kind)
        if source is None:
            continue
        public = source.queryset().order_by().filter(pk__in=list(objects)).values_list("pk", flat=True)
        visible.update(objects[pk] for pk in public)
    return visible


# --- Highlighting -----------------------------------------------------------------------------------------


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, the index of the original it came from."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        decomposed = unicodedata.normalize("NFD", ch)
        for part in decomposed:
            if unicodedata.category(part) == "Mn":
                continue
            part = "d" if part in "đĐ" else part.lower()
            for p in part:
                out.append(p)
                where.append(i)
    return "".join(out), where


def highlight(text: str, words: list[str]) -> SafeString:
    """Escape `text` and wrap every whole-word match of the folded `words` in <mark>, on the
    original (accented) text: "long nhan" marks "Long nhãn"."""
    if not text:
        return mark_safe("")  # noqa: S308 - empty literal
    if not words:
        return mark_safe(html.escape(text))  # noqa: S308 - escaped
    folded, where = _fold_with_map(text)
    pattern = re.compile(
        r"(?<![0-9a-z])(?:"
        + "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
        + r")(?![0-9a-z])"
    )
    spans: list[tuple[int, int]] = []
    for m in pattern.finditer(folded):
        start = where[m.start()]
        end = where[m.end() - 1] + 1
        # Adjacent matches ("long nhãn") read as one mark.
        if spans and (start <= spans[-1][1] or not text[spans[-1][1] : start].strip()):
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    parts: list[str] = []
    last = 0
    for start, end in spans:
        parts.append(html.escape(text[last:start]))
        parts.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    parts.append(html.escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above
