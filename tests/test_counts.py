"""Unit tests of the counts extractor and the lemmatiser behind its units.

The rule examples in ``rules/counts.yaml`` run through the full pipeline in
``tests/test_rule_examples.py``; these tests pin the pieces: number parsing
with multipliers, exclusions, referents, category cues, deduplication and
the lemmatiser's graceful degradation without its lookup table.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import extract_with_mentions
from pipeline.document import Document
from pipeline.extractors.counts import find_counts
from pipeline.language.lemmas import Lemmatizer, get_lemmatizer, lemma_table


def _counts(text: str) -> list[tuple[int, str, str | None, str | None]]:
    doc = Document.from_text(text)
    return [(c.count.value, c.count.category, c.count.unit, c.count.qualifier)
            for c in find_counts(doc.text, doc.sentences)]


def _record_counts(text: str) -> list[tuple[int, str, str | None]]:
    record, _ = extract_with_mentions(text, "t")
    return [(c.value, c.category, c.unit) for c in record.counts]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Ще бъдат наети 1 139 безработни.", (1139, "employed", "безработен", None)),
        ("Мрежата обхваща 12 хил. души.", (12000, "participants", "душа", None)),
        ("Закупени са 3 броя таблети.", (3, "equipment", "таблет", None)),
        ("Партньори са 4 бизнес асоциации.", (4, "organisations", "асоциация", None)),
        ("Разкрити са 2 „Защитени жилища“ в града.", (2, "facilities", "жилище", None)),
        ("Ще бъдат назначени 9 социални асистенти.", (9, "jobs", "асистент", None)),
        ("В конкурса се включиха 14 училища.", (14, "organisations", "училище", None)),
        ("Ще се проведат около 6 кръгли маси.", (6, "events", "маса", "about")),
        ("Ще бъдат създадени 20 нови работни места.", (20, "jobs", "място", None)),
    ],
)
def test_single_counts(text: str, expected: tuple[int, str, str, str | None]) -> None:
    assert _counts(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "Проектът е на стойност 499 999,18 лева.",
        "Срокът за изпълнение е 24 месеца.",
        "Над 80 на сто от децата са от малцинствата.",
        "Хора над 65 г. ще получат грижа.",
        "Продължителност: 4 часа дневно.",
        "Финансирането е по мярка 7.2 от програмата.",
        "Компонент 1 и Компонент 2 на процедурата.",
        "Започва на 9-ти май 2019 г.",
        "17:44 | 21.11.08 г.",
        "Центърът има капацитет от 15 места.",
        "Изградени са 30 км водопровод.",
        "Това е един подход към общността.",
        "Хиляди хора посетиха празника.",
        "Периодът 2014-2020 г. приключи.",
    ],
)
def test_not_counts(text: str) -> None:
    assert _counts(text) == []


def test_people_category_follows_the_nearest_cue_in_the_clause() -> None:
    text = ("Обучени бяха 25 лица за включване на пазара на труда; "
            "40 лица от целевата група са наети на работа; 290 лица са взели участие в събития.")
    assert [(v, c) for v, c, _, _ in _counts(text)] == [(25, "trained"), (40, "employed"), (290, "participants")]


def test_cue_inside_the_count_wins() -> None:
    assert _counts("Имаме 25 обучени лица, които ще бъдат наети.")[0][1] == "trained"


def test_staff_are_jobs_unless_trained() -> None:
    assert _counts("Ще бъдат наети 4 трудови посредници.") == [(4, "jobs", "посредник", None)]
    assert _counts("Обучение на 24 учители за работа с оборудването.")[0][1] == "trained"


def test_referents_inherit_the_previous_noun() -> None:
    got = _counts("Участват повече от 140 деца, в това число 117 от ромски произход.")
    assert got == [(140, "children", "дете", "over"), (117, "children", "дете", None)]


def test_a_bare_number_with_its_own_unknown_noun_is_not_inherited() -> None:
    got = _counts("Поставени са 120 пейки и 45 осветителни тела.")
    assert got == [(120, "equipment", "пейка", None), (45, "equipment", "тяло", None)]


def test_coordinated_numbers_share_the_noun() -> None:
    got = _counts("Участват три български и пет гръцки местни инициативни групи.")
    assert got == [(3, "organisations", "група", None), (5, "organisations", "група", None)]


def test_weak_number_word_counts_next_to_another_count() -> None:
    got = _counts("Оборудвани са три училища и една детска градина.")
    assert (1, "organisations", "градина", None) in got


def test_definite_number_words_repeat_an_earlier_count() -> None:
    assert _record_counts("Община спечели два проекта. Двата проекта са социални.") == [(2, "projects", "проект")]
    assert _record_counts("Двата нови центъра ще работят от есента.") == [(2, "facilities", "център")]


def test_generic_people_counts_are_one_statement() -> None:
    text = "Работа за 24 души\n\nПо проекта 24 безработни лица бяха наети на работа."
    assert [(v, c) for v, c, _ in _record_counts(text)] == [(24, "employed")]


def test_money_claimed_by_the_money_extractor_is_skipped() -> None:
    text = "Отпуснати са 300 хил. евро за 4 общини."
    assert _record_counts(text) == [(4, "organisations", "община")]


def test_spans_are_grounded_in_the_original_text() -> None:
    text = "Ще бъдат разкрити 13 „Центрове за настаняване“ — в тях ще живеят 60 деца."
    _, mentions = extract_with_mentions(text, "t")
    for m in mentions:
        if m.field == "counts":
            assert m.start is not None and text[m.start:m.end] == m.text
    assert {m.text for m in mentions if m.field == "counts"} == {"13 „Центрове", "60 деца"}


# ---------------------------------------------------------------- lemmas
def test_lemmatizer_without_table_uses_lexicon_and_suffix_rules() -> None:
    lz = Lemmatizer(forms={"деца": "дете"}, lemmas={"дете", "община", "лаптоп", "жилище"}, table={})
    assert lz.lemma("Деца") == "дете"
    assert lz.lemma("общини") == "община"
    assert lz.lemma("лаптопи") == "лаптоп"
    assert lz.lemma("жилища") == "жилище"
    assert lz.lemma("непознати") is None


def test_lemma_table_missing_or_broken_degrades_to_empty(tmp_path: Path) -> None:
    assert lemma_table(tmp_path / "missing.tsv.gz") == {}
    broken = tmp_path / "broken.tsv.gz"
    broken.write_bytes(b"not gzip")
    assert lemma_table(broken) == {}


def test_lemma_table_is_read(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("пейки\tпейка\nкъщи\tкъща\n")
    table = lemma_table(path)
    assert Lemmatizer(forms={}, lemmas=set(), table=table).lemma("Къщи") == "къща"


def test_default_lemmatizer_knows_count_nouns() -> None:
    lz = get_lemmatizer()
    assert lz.lemma("центрове") == "център"
    assert lz.lemma("безработни") == "безработен"


# ---------------------------------------------------------------- nouns the lexicon does not know
def _rules(text: str) -> list[tuple[int, str, str]]:
    doc = Document.from_text(text)
    return [(c.count.value, c.count.category, c.rule_id) for c in find_counts(doc.text, doc.sentences)]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Бяха доставени 25 осцилоскопа.", (25, "equipment")),
        ("Проведени бяха 4 хакатона за младежи.", (4, "events")),
        ("Ремонтирани са 7 навеса в парка.", (7, "facilities")),
        ("Одобрени са 12 концепции за развитие.", (12, "projects")),
        ("Обучени бяха 30 горски надзиратели.", (30, "trained")),
        ("Изработени са 40 картички.", (40, "other")),
    ],
)
def test_unknown_plural_noun_takes_the_nearest_thing_cue(text: str, expected: tuple[int, str]) -> None:
    assert _rules(text) == [(*expected, "counts.unknown_noun_by_cue")]


@pytest.mark.parametrize(
    "text",
    [
        "Цените са се увеличили 3 пъти.",
        "Дарени са 400 000 лири стерлинги.",
        "Ще има две чисти години за работа.",
        "Той получи девет огнестрелни рани преди обяд.",
        "Бюджетът е 0\n\nСпециални грижи",
        "Статията има 1 коментари.",
        "Той събра 85 точки на изпита.",
        "През 2019 картини бяха изложени.",
    ],
)
def test_unknown_nouns_that_are_not_counts(text: str) -> None:
    assert [r for r in _rules(text) if r[2] == "counts.unknown_noun_by_cue"] == []


def test_an_adjective_before_a_lexicon_noun_is_a_modifier() -> None:
    assert _counts("Ще бъдат ремонтирани 3 стари сгради.") == [(3, "facilities", "сграда", None)]


def test_referent_of_an_unknown_noun() -> None:
    got = _rules("Проведени бяха 10 хакатона, 4 от които в училища.")
    assert [(v, c) for v, c, _ in got] == [(10, "events"), (4, "events")]


def test_unknown_noun_is_not_sought_past_a_quote_or_a_verb() -> None:
    assert _rules('Газопроводът "Северен поток 2" трябва да бъде пуснат.') == []
    assert _rules("Качват до 10 килограма багаж.") == []


# ---------------------------------------------------------------- blind batch 2: forms and indicator lines
@pytest.mark.parametrize(
    "text,expected",
    [
        ("Ще бъдат назначени 3-ма нови служители.", (3, "jobs", "служител", None)),
        ("В клуба се включиха 14-има младежи.", (14, "participants", "младеж", None)),
        ("Обучение преминаха 2-ма безработни.", (2, "trained", "безработен", None)),
    ],
)
def test_personal_numeral_with_a_glued_ending(text: str, expected: tuple[int, str, str, str | None]) -> None:
    assert _counts(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "Децата от 8-ма група посетиха музея.",
        "Отборът остана 2-ри в класирането.",
        "Класирането е за 1-ви и 3-ти клас.",
    ],
)
def test_glued_ordinals_are_not_counts(text: str) -> None:
    assert _counts(text) == []


def test_indicator_lines_count_the_noun_after_broy() -> None:
    text = ("Индикатори:\n• Брой обучени лица – 37\n• Брой лица, получили консултация – 58\n"
            "• Брой проведени кампании – 4\n• Брой наети лица след курса – 11\n• Брой на участниците: 96")
    assert [(v, c) for v, c, _, _ in _counts(text)] == [
        (37, "trained"), (58, "supported"), (4, "events"), (11, "employed"), (96, "participants")]


def test_without_a_dash_broy_needs_the_noun_right_before_the_number() -> None:
    assert _counts("Увеличен е броят на децата в групите на 25 души.")[0][0] == 25
    assert all(c[1] != "children" for c in _counts("Броят на децата в групите стигна 25 тази есен."))


def test_pieces_count_the_noun_after_br_even_unknown_or_singular() -> None:
    assert _counts("Ще бъдат закупени 2 бр. CNC обработващи центъра.") == [(2, "equipment", "център", None)]
    got = _counts("Ще бъдат закупени 1 бр. автоматична мелачка и 1 бр. цифров мамограф.")
    assert [(v, c, u) for v, c, u, _ in got] == [(1, "equipment", "мелачка"), (1, "equipment", "мамограф")]
    assert _counts("С проекта ще бъдат закупени 2 бр. Всички машини са нови.") == []


def test_copyright_years_and_scanner_slices_are_not_counts() -> None:
    assert _counts("© 2024 Община Тестово. Всички права запазени.") == []
    assert _counts("2024 Община Тестово") == []
    assert _counts("Закупен е томограф с 128 среза.") == []


def test_a_singular_unknown_noun_after_and_one_in_a_list_is_counted() -> None:
    got = _counts("Ще бъдат изградени 2 нови помпени станции и 1 подземен колектор.")
    assert (1, "facilities", "колектор", None) in got
    assert _counts("Статията има 1 коментари.") == []


def test_a_cue_in_a_time_phrase_is_not_the_counts_verb() -> None:
    assert _counts("Преди започване на работа 6 кандидати ще преминат обучение.")[0][1] == "trained"
    assert _counts("След обучението 9 лица започнаха работа.")[0][1] == "employed"


def test_headline_count_repeated_in_body_is_listed_once() -> None:
    from pipeline import extract

    text = "Над 300 младежи започнаха работа\n\nПо програмата над 300 души започнаха работа при работодатели."
    counts = extract(text, "x", ner="rules").counts
    assert [(c.value, c.category, c.qualifier) for c in counts] == [(300, "employed", "over")]
    # a headline count the body does not repeat stays
    assert extract("Наети са 12 медиатори\n\nПроектът продължава.", "y", ner="rules").counts[0].value == 12


def test_a_clause_opened_by_a_takes_no_cue_from_before_it() -> None:
    """`наети` speaks for the guides, not for the visitors of the clause after `, а`."""
    got = {(v, c) for v, c, _, _ in _counts(
        "След откриването ще бъдат наети 3 екскурзоводи, а общината очаква над 12 000 посетители годишно.")}
    assert (12000, "participants") in got


def test_unknown_noun_reads_the_same_whatever_was_read_before() -> None:
    """A noun the lexicon does not know is a person or a thing by its own form: the first form
    of its lemma a process happened to read (in another document) no longer decides."""
    from pipeline.extractors import counts as C

    texts = ["Закупен е 1 бр. кикбоксьор за залата.", "На турнира участваха 12 кикбоксьори от града."]
    results = []
    for order in (texts, texts[::-1]):
        C._lex.cache_clear()
        results.append({t: [(c.count.value, c.count.category, c.count.unit) for c in C.find_counts(t)] for t in order})
    C._lex.cache_clear()
    assert results[0] == results[1]
    lx = C._lex()
    assert lx.fallback_noun("кикбоксьор", single=True).category == "thing"  # type: ignore[union-attr]
    assert lx.fallback_noun("кикбоксьори").category == "person"  # type: ignore[union-attr]


_SCAN_CHARS = "аБвГдеЖзИйъьЮя AbZ 0189 ²³¹½ Ⅻ ٣ ०  \u00a0\u2009\u3000\t\n.,;:-–—\"'()/%№+_ é\u0301 ß ǅ ﬁ 𝟘"


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(_SCAN_CHARS)) | st.characters(), max_size=60))
def test_token_scan_of_the_fast_engine_equals_the_regex_engine(text: str) -> None:
    """The count scan tokenises with the standard ``re`` engine where no character the two
    engines classify differently occurs; either way the tokens are those of ``regex``."""
    from pipeline.extractors import counts as C

    lx = C._lex()
    want = lx.tok_re.findall(text)
    if not lx.tok_fast_unsafe.search(text):
        assert lx.tok_re_fast.findall(text) == want
    fast = C._tokens(text)
    saved, lx.tok_re_fast = lx.tok_re_fast, lx.tok_re  # type: ignore[assignment]
    try:
        assert C._tokens(text) == fast
    finally:
        lx.tok_re_fast = saved


def _cue_texts() -> list[str]:
    from pipeline.textnorm import normalise

    corpus = sorted((Path(__file__).resolve().parent.parent / "corpus").glob("*.txt"))
    own = "Бяха НАЕТИ 3 лица, а се проведоха  2 семинара; ще се\nпроведат 4 срещи, Straße закупени 5 лаптопа."
    altered: tuple[Callable[[str], str], ...] = (
        str, str.upper, str.title, lambda t: t.replace(" ", "  "), lambda t: t.replace(" ", ""), "ẞ ".__add__)
    return [alter(t) for t in [*(normalise(p.read_text(encoding="utf-8")).text for p in corpus), own]
            for alter in altered]


def test_cue_matches_tried_at_first_words_equal_plain_scans() -> None:
    """The cue windows are matched only where a cue's first word stands; a wrong set of first
    words would silently change categories, so every window equals the plain ``finditer``."""
    from pipeline.extractors import counts as C

    lx = C._lex()
    for text in _cue_texts():
        scan = C._CueScan(text)
        windows = [(0, len(text))] + [(lo, min(len(text), lo + 400)) for lo in range(0, len(text), 137)]
        for cues in (lx.people_cues, lx.thing_cues):
            for lo, hi in windows:
                got = [(m.span(), m.lastgroup) for m in scan.finditer(cues, lo, hi)]
                assert got == [(m.span(), m.lastgroup) for m in cues.pattern.finditer(text, lo, hi)]
