"""The answer components on their own: sentences, referrals, rendering, citation resolution."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingest.wording import WordingCitation
from kb_assistant.answer.citations import CitationResolver, noted_citations, sentence_basis
from kb_assistant.answer.extractive import SentenceExtractor, join_sentences, read_out_row, split_sentences
from kb_assistant.answer.lookups import RecordLookup
from kb_assistant.answer.model import Verbosity
from kb_assistant.answer.render import AnswerRenderer, BasisLine
from kb_assistant.answer.scope import Referral, ScopeGuard, load_referrals
from kb_assistant.config import get_settings
from kb_assistant.errors import ConfigError
from kb_assistant.kb import KB
from kb_assistant.model import Hit
from kb_assistant.text.analyzer import Analyzer
from kb_assistant.text.thesaurus import Thesaurus


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def test_split_sentences_keeps_source_notes_with_their_sentence():
    text = "（一）男职工：年满60周岁。（依据：《甲》第一条；《乙》第四条）\n| 表 | 格 |\n"
    text += "计算：x；y。（实务提示）"
    assert split_sentences(text) == (
        "（一）男职工：年满60周岁。（依据：《甲》第一条；《乙》第四条）",
        "| 表 | 格 |",
        "计算：x；",
        "y。（实务提示）",
    )


def test_split_sentences_keeps_a_note_whose_title_has_brackets_with_its_sentence():
    text = "签字确认的协议有效。（依据：《解释（一）》第三十五条）签字前应看清条款。（实务提示）"
    assert split_sentences(text) == (
        "签字确认的协议有效。（依据：《解释（一）》第三十五条）",
        "签字前应看清条款。（实务提示）",
    )


def test_split_sentences_quotes_table_rows_and_leaves_their_note_out():
    text = "| 出生年月 | 年龄 |\n|---|---|\n（依据：《办法》第一条）起始出生年月以前出生的，不延迟。"
    assert split_sentences(text) == ("| 出生年月 | 年龄 |", "起始出生年月以前出生的，不延迟。")


def test_split_sentences_splits_a_table_joined_into_one_line():
    text = "| 等级 | 月数 ||:---|---:|| 七级 | 13个月 || 十级 | 7个月 |\n（依据：《工伤保险条例》第三十七条）"
    assert split_sentences(text) == ("| 等级 | 月数 |", "| 七级 | 13个月 |", "| 十级 | 7个月 |")


def test_sentence_basis_of_a_table_row_is_the_note_under_the_table():
    text = (
        "说明：\n| 等级 | 月数 ||---|---|| 十级 | 7个月 |\n（依据：《工伤保险条例》第三十七条）\n"
        "另一句。（依据：《乙》第一条）"
    )
    assert sentence_basis(text, "| 十级 | 7个月 |") == (WordingCitation("工伤保险条例", "第三十七条"),)
    assert sentence_basis("| 等级 | 月数 ||---|---|| 十级 | 7个月 |", "| 十级 | 7个月 |") == ()


def test_join_sentences_reads_table_rows_out_under_their_column_names():
    sentences = (
        "说明如下：",
        "| 等级 | 月数 |",
        "| 七级 | 13个月 |",
        "| 十级 | 7个月 |",
        "以上按本人工资。",
        "另一句。",
    )
    assert (
        join_sentences(sentences)
        == "说明如下：\n等级：七级；月数：13个月。\n等级：十级；月数：7个月。\n以上按本人工资。另一句。"
    )


def test_join_sentences_row_not_fitting_its_header_gives_its_cells():
    assert join_sentences(("| 年份 | 年限 |", "| 2032年 | 16年6个月 | 注 |")) == "2032年，16年6个月，注。"
    assert join_sentences(("| 年份 | 年限 |",)) == "年份，年限"  # a header alone: its cells
    assert read_out_row(["", "年限"], ["2032年", ""]) == "2032年。"  # no name, no empty cell


def test_sentence_extractor_does_not_count_the_words_of_a_source_note(analyzer: Analyzer):
    text = (
        "（一）在工作时间和工作岗位上突发疾病，在48小时之内经抢救无效死亡；\n"
        "（二）原为军人，因战负伤致残，到用人单位后旧伤复发。（依据：《工伤保险条例》第十五条）"
    )
    hit = Hit(1, 1.0, "工伤认定", "KB-GS-001", None, "二、视同工伤", text, "v1", None, None, "全国", "kb")
    extractor = SentenceExtractor(analyzer, Thesaurus.load(), whole_chars=0)
    quote = extractor.quote("上班时晕倒抢救无效，算工伤吗", hit)
    assert quote.sentences == ("（一）在工作时间和工作岗位上突发疾病，在48小时之内经抢救无效死亡；",)


_SURVIVORS = (
    "（一）参加基本养老保险的个人因病死亡的，其遗属可以领取丧葬补助金和抚恤金。"
    "（依据：《中华人民共和国社会保险法》第十七条）\n\n"
    "（二）遗属可向经办机构申领。（依据：《社会保险经办条例》第十九条）\n\n"
    "（三）个人账户余额可以继承。（依据：《中华人民共和国社会保险法》第十四条）"
)


def test_sentence_extractor_quotes_a_short_passage_whole(analyzer: Analyzer):
    hit = Hit(1, 1.0, "养老金", "KB-YL-001", None, "五、遗属待遇", _SURVIVORS, "v1", None, None, "全国", "kb")
    extractor = SentenceExtractor(analyzer, Thesaurus.load())
    quote = extractor.quote("老人病故了，家属能领丧葬补助金吗", hit, limit=1)
    assert quote.sentences == split_sentences(_SURVIVORS)  # all three items, in their order
    assert quote.asked == (split_sentences(_SURVIVORS)[0],)  # the one the question's words chose


def test_sentence_extractor_quotes_a_longer_passage_by_its_sentences(analyzer: Analyzer):
    hit = Hit(1, 1.0, "养老金", "KB-YL-001", None, "五、遗属待遇", _SURVIVORS, "v1", None, None, "全国", "kb")
    extractor = SentenceExtractor(analyzer, Thesaurus.load(), whole_chars=len(_SURVIVORS) // 4)
    quote = extractor.quote("老人病故了，家属能领丧葬补助金吗", hit, limit=1)
    assert quote.sentences == quote.asked == (split_sentences(_SURVIVORS)[0],)


def test_sentence_extractor_prefers_the_word_only_the_asked_sentence_holds(analyzer: Analyzer):
    """Every item of the overtime section says 加班; only one says 不定时工作制: that one answers."""
    text = "\n\n".join(
        [
            "（一）安排加班的，应当支付加班费。（依据：《中华人民共和国劳动法》第四十四条）",
            "（二）休息日加班又不能补休的，支付加班费。（依据：《中华人民共和国劳动法》第四十四条）",
            "（三）法定休假日加班的，支付加班费。（依据：《中华人民共和国劳动法》第四十四条）",
            "（四）单位称实行不定时工作制的，可向单位了解是否经过批准。（实务提示）",
        ]
    )
    hit = Hit(1, 1.0, "加班", "KB-GZ-001", None, "七、工时制度", text, "v1", None, None, "全国", "kb")
    extractor = SentenceExtractor(analyzer, Thesaurus.load(), whole_chars=0)
    quote = extractor.quote("不定时工作制有没有加班费", hit, limit=1)
    assert quote.sentences == (split_sentences(text)[3],)


def test_sentence_extractor_rejects_a_negative_whole_passage_length(analyzer: Analyzer):
    with pytest.raises(ValueError, match="whole_chars must be >= 0"):
        SentenceExtractor(analyzer, Thesaurus.load(), whole_chars=-1)


_STOPS = (
    "领取期间有下列情形之一的，停止领取失业保险金：重新就业；应征服兵役；移居境外；"
    "享受基本养老保险待遇。（依据：《中华人民共和国社会保险法》第五十一条）\n"
    "其他说明一句。另一句说明失业保险金怎样领取。"
)


def test_sentence_extractor_quotes_an_enumerated_list_whole(analyzer: Analyzer):
    heading = "六、什么情况下停发"
    hit = Hit(1, 1.0, "失业保险金", "KB-SY-001", None, heading, _STOPS, "v1", None, None, "全国", "kb")
    quote = SentenceExtractor(analyzer, Thesaurus.load()).quote("我在领失业保险金，去当兵了还能领吗", hit)
    lead = "领取期间有下列情形之一的，停止领取失业保险金："
    assert quote.text.startswith(lead + "重新就业；应征服兵役；移居境外；享受基本养老保险待遇。")
    assert "另一句说明失业保险金怎样领取。" in quote.text  # the list does not crowd out the prose


def test_sentence_extractor_quotes_items_of_a_long_list_alone(analyzer: Analyzer):
    items = "；".join(f"第{k}种情形说明文字较长一些的内容" for k in range(20))
    text = f"有下列情形之一的：{items}；兵役。"
    hit = Hit(1, 1.0, "t", "KB-X", None, "h", text, "v1", None, None, "全国", "kb")
    quote = SentenceExtractor(analyzer, Thesaurus.load(), max_sentences=1).quote("兵役", hit)
    assert quote.sentences == ("兵役。",)


def test_sentence_extractor_warm_segments_every_sentence(analyzer: Analyzer):
    extractor = SentenceExtractor(analyzer, Thesaurus.load())
    assert extractor.warm(["第一句。第二句；（依据：《甲》第一条）", "| 表 | 格 |"]) == 3


def test_sentence_extractor_quotes_a_table_row_under_its_header(analyzer: Analyzer, corpus_kb: KB):
    hits = corpus_kb.search("一次性伤残补助金 伤残等级", k=20).hits
    hit = next(h for h in hits if "| 七级至十级" in h.text)
    quote = SentenceExtractor(analyzer, Thesaurus.load()).quote("七级至十级是几个月", hit, limit=1)
    assert quote.sentences == ("| 伤残等级 | 标准（本人工资的月数） |", "| 七级至十级 | 13、11、9、7个月 |")
    assert (
        quote.text == "伤残等级：七级至十级；标准（本人工资的月数）：13、11、9、7个月。"
    )  # read out, cells verbatim
    alone = SentenceExtractor(analyzer, Thesaurus.load()).quote("伤残等级的标准", hit, limit=1)
    assert alone.sentences[-1] != "| 伤残等级 | 标准（本人工资的月数） |"  # a header row comes with rows


def test_sentence_extractor_quotes_the_sentences_sharing_words(analyzer: Analyzer, corpus_kb: KB):
    hit = corpus_kb.search("产假", k=1).hits[0]
    extractor = SentenceExtractor(analyzer, Thesaurus.load(), max_sentences=1, whole_chars=0)
    quote = extractor.quote("难产增加多少天产假", hit)
    assert len(quote.sentences) == 1 and "难产" in quote.text
    assert quote.text in hit.text.replace("\n", "") or quote.text in hit.text


def test_scope_guard_refers_questions_other_lines_own(analyzer: Analyzer):
    guard = ScopeGuard(analyzer, Thesaurus.load())
    referral = guard.referral("公积金怎么提取")
    assert referral is not None and "12329" in referral.message
    assert guard.referral("社保卡丢了怎么办") is None
    assert guard.domain_words("明天会下雨吗") == set()
    assert "失业保险金" in guard.domain_words("失业保险金怎么领")


def test_load_referrals_rejects_a_line_without_message(tmp_path: Path):
    path = tmp_path / "referrals.tsv"
    path.write_text("# comment\n医保\n", encoding="utf-8")
    shape = r"keyword\[,keyword…\]<TAB>message\[<TAB>unless-word,…\]"
    with pytest.raises(ValueError, match=f"referrals line 2: expected '{shape}'"):
        load_referrals(path)


def test_scope_guard_keeps_questions_naming_its_own_benefit(analyzer: Analyzer):
    guard = ScopeGuard(analyzer, Thesaurus.load())
    referral = guard.referral("异地看病医保怎么报销")
    assert referral is not None and "12393" in referral.message
    assert guard.referral("领失业金那段时间医保要自己交吗") is None
    spent = guard.referral("在外地看病花的钱回常德怎么报销")  # 看病…报销
    assert spent is not None and "12393" in spent.message
    assert guard.referral("工伤住院花的钱找哪个报销") is None


def test_referral_keyword_with_an_ellipsis_names_its_parts_in_order():
    moving = Referral("户口…迁", "请到派出所咨询。")
    assert moving.named_in("伢子户口要从他那里迁到我这边来")
    assert not moving.named_in("迁到常德以后户口本丢了")  # the parts in the other order
    assert moving.covered_by(("孩子户口怎么从老家迁到常德",))


def test_scope_guard_refers_household_and_hospital_matters(analyzer: Analyzer):
    guard = ScopeGuard(analyzer, Thesaurus.load())
    police = guard.referral("孩子户口怎么从老家迁到常德")
    assert police is not None and "派出所" in police.message
    hospital = guard.referral("常德市第一人民医院的专家号怎么挂")
    assert hospital is not None and "医疗机构" in hospital.message
    assert guard.referral("单位用挂号信寄来解除劳动合同通知书，算不算送达") is None
    record = guard.referral("应聘要一个无犯罪记录证明，在常德到哪里开")
    assert record is not None and "派出所" in record.message
    # moving the household registration takes the pension relation with it: that stays here
    assert guard.referral("户口要迁到长沙去了，城乡居民养老保险怎么转") is None


def test_scope_guard_refers_telecom_contracts_to_the_operator(analyzer: Analyzer):
    guard = ScopeGuard(analyzer, Thesaurus.load())
    phone = guard.referral("营业厅办的手机套餐合约想提前退掉，要赔违约金不")
    assert phone is not None and "12300" in phone.message
    assert guard.referral("这个月话费多扣了五十块") is not None
    # a labour contract's penalty stays here, and so does the card's own business
    assert guard.referral("劳动合同没到期我想走，单位要我赔违约金") is None
    assert guard.referral("社保卡绑定的手机号换了，话费也是这张卡扣的，要去哪里改") is None


def test_scope_guard_refers_consumer_disputes_to_market_regulation(analyzer: Analyzer):
    guard = ScopeGuard(analyzer, Thesaurus.load())
    gym = guard.referral("在健身房办了张年卡，中途退卡要交30%违约金，合不合法")
    assert gym is not None and "12315" in gym.message
    assert guard.referral("跟装修公司签了合同，现在不想装了，要我赔违约金") is not None
    assert guard.referral("网上买的衣服商家不给退") is not None
    # the same businesses as employers stay here
    assert guard.referral("我在健身房上班，老板拖欠两个月工资") is None
    assert guard.referral("跟装修公司签了劳动合同，试用期能不能不交社保") is None


def test_load_referrals_reads_the_words_that_keep_a_question(tmp_path: Path):
    path = tmp_path / "referrals.tsv"
    path.write_text("公积金,房贴\t请拨打12329。\t失业\n个税\t请拨打12366。\n", encoding="utf-8")
    assert load_referrals(path) == [
        Referral("公积金", "请拨打12329。", ("失业",)),
        Referral("房贴", "请拨打12329。", ("失业",)),
        Referral("个税", "请拨打12366。", ()),
    ]


def test_renderer_agent_and_public_share_one_format():
    renderer = AnswerRenderer(get_settings().prompts_dir)
    basis = [
        BasisLine("《女职工劳动保护特别规定》第七条", "2012年4月28日起施行的版本", "女职工生育享受98天产假。")
    ]
    args = ("女职工生育享受98天产假。", basis, ["到单位人事部门申请。"], [], date(2026, 11, 28), 3)
    assert renderer.answer(*args, Verbosity.AGENT) == (
        "【答复】女职工生育享受98天产假。\n\n"
        "【政策依据】\n"
        "1. 《女职工劳动保护特别规定》第七条（2012年4月28日起施行的版本）：“女职工生育享受98天产假。”\n\n"
        "【办理指引】\n"
        "到单位人事部门申请。\n\n"
        "（以上按2026年11月28日有效的政策答复；知识库发布版本 3。）"
    )
    public = renderer.answer(*args, Verbosity.PUBLIC)
    assert "起施行的版本" not in public and public.endswith("具体以经办机构办理为准。）")


def test_renderer_without_templates_names_the_folder(tmp_path: Path):
    with pytest.raises(
        ConfigError, match=r"answer templates missing in .*: answer\.md\.j2, escalate\.md\.j2"
    ):
        AnswerRenderer(tmp_path)


def test_citation_resolver_follows_the_version_in_force(corpus_kb: KB):
    resolver = CitationResolver(corpus_kb.snapshot())
    old = WordingCitation("常德12333知识库-TX-001", section="二、法定退休年龄")
    assert resolver.resolve(old, date(2024, 12, 31)) is not None
    assert resolver.resolve(old, date(2025, 1, 1)) is None  # superseded by TX-002
    hits, missing = resolver.resolve_all(
        (old, WordingCitation("不存在的文件", article="第一条")), date(2024, 6, 1)
    )
    assert [h.rank for h in hits] == [1] and hits[0].heading.endswith("二、法定退休年龄")
    assert missing == [WordingCitation("不存在的文件", article="第一条")]


def test_noted_citations_reads_every_document_and_article():
    note = "缴费。（依据：《社会保险经办条例》第四条；《中华人民共和国社会保险法》第五十九条、第六十条）"
    assert noted_citations(note) == (
        WordingCitation("社会保险经办条例", "第四条"),
        WordingCitation("中华人民共和国社会保险法", "第五十九条"),
        WordingCitation("中华人民共和国社会保险法", "第六十条"),
    )
    assert noted_citations("（依据：《实施弹性退休制度暂行办法》）") == (
        WordingCitation("实施弹性退休制度暂行办法"),
    )
    assert noted_citations("接听时问清情况。（实务提示）") == ()


def test_noted_citations_reads_a_title_with_brackets_of_its_own():
    title = "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）"
    note = f"协议有效。（依据：《{title}》第三十五条；《工资支付暂行规定》第十三条）"
    assert noted_citations(note) == (
        WordingCitation("最高人民法院关于审理劳动争议案件适用法律问题的解释（一）", "第三十五条"),
        WordingCitation("工资支付暂行规定", "第十三条"),
    )


def test_sentence_basis_takes_the_note_closing_its_item():
    text = (
        "（二）产前检查所需时间计入劳动时间。（依据：《女职工劳动保护特别规定》第六条）\n\n"
        "（三）每天安排1小时哺乳时间；生育多胞胎的，每多哺乳1个婴儿每天增加1小时。"
        "（依据：《女职工劳动保护特别规定》第九条）\n\n"
        "（四）不得安排夜班劳动。（依据：《女职工劳动保护特别规定》第十条）"
    )
    nursing = sentence_basis(text, "（三）每天安排1小时哺乳时间；")
    assert nursing == (WordingCitation("女职工劳动保护特别规定", "第九条"),)
    assert sentence_basis(text, "（二）产前检查所需时间计入劳动时间。") == (
        WordingCitation("女职工劳动保护特别规定", "第六条"),
    )
    assert sentence_basis("一句没有出处的话。", "一句没有出处的话。") == ()


def test_sentence_basis_of_a_list_item_without_a_note_is_the_lead_in_s():
    text = (
        "达到待遇领取条件时，按以下顺序确定待遇领取地：（依据：《城镇企业职工基本养老保险关系转移接续暂行办法》第六条）\n\n"
        "（一）基本养老保险关系在户籍所在地的，在户籍所在地办理。\n\n"
        "（二）在关系所在地累计缴费满10年的，在该地办理。\n\n"
        "另有规定的从其规定。（依据：《中华人民共和国社会保险法》第十九条）\n\n"
        "其他情形咨询窗口。"
    )
    lead_in = (WordingCitation("城镇企业职工基本养老保险关系转移接续暂行办法", "第六条"),)
    assert sentence_basis(text, "（二）在关系所在地累计缴费满10年的，在该地办理。") == lead_in
    assert sentence_basis(text, "其他情形咨询窗口。") == ()  # the note above closes an item, not a list


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("帮我查一下张建国的社保交了多少年", True),
        ("隔壁王嗲嗲一个月养老金拿好多，你帮我查一下", True),
        ("你们系统里看得到吧，帮我查下我前夫在哪个单位交社保", True),
        ("帮我查下我社保交了几年", True),
        ("我邻居王某某每个月领多少养老金你告诉我", True),
        ("上个月交了工伤认定的材料，帮我查一下审到哪一步了", True),
        ("你们帮我看下我的退休申请审批下来了没", True),
        ("失业金申请了以后在哪里看办理进度", False),
        ("你告诉我失业金每个月领多少", False),
        ("我同事的社保断了半年，还能补交吗", False),
        ("帮我查一下社保要交多少年才能退休", False),
        ("去哪里查缴费记录", False),
        ("我在手机上一查，社保断了半年", False),
        ("你们能不能帮我查下产假有几天", False),
    ],
)
def test_record_lookup_tells_a_records_request_from_a_policy_question(question: str, asks: bool):
    assert RecordLookup().asks(question) is asks
