import pytest

from kb_assistant.text.analyzer import Analyzer
from kb_assistant.text.thesaurus import Thesaurus


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def test_analyzer_keeps_dictionary_terms_whole(analyzer: Analyzer):
    tokens = analyzer("灵活就业人员的最低缴费年限和经济补偿金")
    for term in ("灵活就业人员", "最低缴费年限", "经济补偿金"):
        assert term in tokens


def test_analyzer_search_mode_adds_sub_words(analyzer: Analyzer):
    tokens = analyzer("最低缴费年限")
    assert {"最低缴费年限", "缴费", "年限"} <= set(tokens)


def test_analyzer_drops_stopwords_and_punctuation(analyzer: Analyzer):
    tokens = analyzer("请问，我的工资怎么办？")
    assert "请问" not in tokens and "怎么办" not in tokens and "，" not in tokens
    assert "工资" in tokens


def test_analyzer_words_are_a_fresh_list_each_time(analyzer: Analyzer):
    """Words are cached per text: a caller that extends its list must not change the next one's."""
    first = analyzer.words("失业保险金怎么领")
    first.append("不该留下")
    assert analyzer.words("失业保险金怎么领") == first[:-1]
    assert analyzer.words("失业保险金怎么领") is not analyzer.words("失业保险金怎么领")


def test_analyzer_bigrams_are_marked_and_optional():
    with_bigrams = Analyzer(bigrams=True)("工伤认定")
    assert "#工伤" in with_bigrams and "#认定" in with_bigrams
    assert not [t for t in Analyzer()("工伤认定") if t.startswith("#")]


def test_analyzer_description_names_dictionary(analyzer: Analyzer):
    description = analyzer.describe()
    assert description["name"] == "jieba-search"
    assert len(str(description["dictionary_sha256"])) == 64


@pytest.fixture(scope="module")
def thesaurus() -> Thesaurus:
    return Thesaurus.load()


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("公司不给交社保怎么办", {"用人单位", "缴纳社会保险费"}),
        ("被辞退了有没有赔偿", {"解除劳动合同", "经济补偿", "赔偿金"}),
        ("老板拖欠工资", {"用人单位", "拖欠劳动报酬"}),
        ("加班费怎么算", {"延长工作时间工资报酬"}),
        ("退休金什么时候发", {"基本养老金"}),
        ("公积金能取吗", {"住房公积金"}),
    ],
)
def test_thesaurus_expands_lay_terms_to_statute_terms(
    thesaurus: Thesaurus, question: str, expected: set[str]
):
    assert expected <= set(thesaurus.expansions(question))


def test_thesaurus_prefers_longest_lay_term(thesaurus: Thesaurus):
    assert thesaurus.expansions("我没签劳动合同") == ["未订立书面劳动合同"]


def test_thesaurus_skips_terms_already_in_text(thesaurus: Thesaurus):
    assert "住房公积金" not in thesaurus.expansions("住房公积金怎么提取")


def test_thesaurus_expand_appends_terms(thesaurus: Thesaurus):
    assert thesaurus.expand("产假多少天") == "产假多少天 生育 女职工"
    assert thesaurus.expand("天气怎么样") == "天气怎么样"


def test_thesaurus_rejects_malformed_line(tmp_path):
    path = tmp_path / "t.tsv"
    path.write_text("社保 社会保险\n", encoding="utf-8")
    with pytest.raises(ValueError, match="thesaurus line 1: expected 'lay term<TAB>statute term"):
        Thesaurus.load(path)


def test_typo_corrector_fixes_homophones_longest_first(tmp_path):
    from kb_assistant.text.typos import TypoCorrector

    fix = TypoCorrector.load()
    assert fix("送外卖的社宝怎么交，几时能退修") == "送外卖的社保怎么交，几时能退休"
    assert fix("失业今领多久") == "失业金领多久"
    bad = tmp_path / "typos.tsv"
    bad.write_text("社宝\n", encoding="utf-8")
    import pytest

    with pytest.raises(ValueError, match="typos line 1: expected 'typo<TAB>correct form'"):
        TypoCorrector.load(bad)


def test_typo_corrector_keeps_a_word_its_table_maps_to_itself():
    from kb_assistant.text.typos import TypoCorrector

    fix = TypoCorrector.load()
    assert fix("我有失业经历，现在领失业经要带么子") == "我有失业经历，现在领失业金要带什么"
    own = TypoCorrector({"失业经": "失业金", "失业经历": "失业经历", "冇": "没"})
    assert own("失业经历冇算，失业经冇领") == "失业经历没算，失业金没领"


def test_typo_corrector_rewrites_dialect_words_to_plain_mandarin(tmp_path):
    from kb_assistant.text.typos import TypoCorrector

    fix = TypoCorrector.load()
    assert fix("老板冇得给我交社宝，我堂客听讲要去告他") == "老板没有给我交社保，我妻子听说要去告他"
    assert fix("有冇得么子办法") == "有没有什么办法"
    site = tmp_path / "dialect.tsv"
    site.write_text("# a Sichuan line\n啥子\t什么\n", encoding="utf-8")
    assert TypoCorrector.load(dialect_path=site)("冇得啥子办法") == "冇得什么办法"
