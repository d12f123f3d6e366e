"""Is a question one the hotline's knowledge base can answer, or one to transfer?

Two rules of thumb a trainer would give a new agent, as data and thresholds:
questions owned by another hotline (medical insurance, housing fund, tax) are referred
there (`data/referrals.tsv`), unless they also name one of this hotline's own benefits
that the line lists (unemployment benefit pays the medical insurance of those drawing it)
or the approved wording that matches takes the subject up in its examples or its answer;
a question with none of the domain's words, or whose nearest article is far away, is not
guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kb_assistant.text.analyzer import Analyzer
from kb_assistant.text.tables import data_text, tsv_pairs
from kb_assistant.text.thesaurus import Thesaurus

__all__ = ["Referral", "ScopeGuard"]


@dataclass(frozen=True)
class Referral:
    keyword: str
    message: str
    # words that keep the question here although it names the keyword: medical insurance
    # while drawing unemployment benefit is the unemployment fund's business, not 12393's
    unless: tuple[str, ...] = ()

    @property
    def public_message(self) -> str:
        """The line for the public web chat: the table tells the agent "请告知来电人…", the
        public reads "请您…"."""
        return self.message.replace("请告知来电人", "请您")

    def covered_by(self, texts: tuple[str, ...]) -> bool:
        """Do these texts (an entry's example questions and answer) take up the keyword?
        Trainers who wrote "灵活就业医保登记找哪个部门" as an example meant the entry to answer it."""
        return any(self.named_in(t.lower()) for t in texts)

    def named_in(self, lowered: str) -> bool:
        """Is the keyword in the (lower-cased) text? A keyword written "户口…迁" names its parts
        in that order with anything between: "户口要从他那里迁到我这边" is 迁户口 too."""
        start = 0
        for part in self.keyword.split("…"):
            found = lowered.find(part, start)
            if found < 0:
                return False
            start = found + len(part)
        return True


def load_referrals(path: Path | None = None) -> list[Referral]:
    text = data_text("referrals.tsv", path)
    out: list[Referral] = []
    shape = "keyword[,keyword…]<TAB>message[<TAB>unless-word,…]"
    for keywords, rest in tsv_pairs(text, "referrals", shape):
        message, _, unless = rest.partition("\t")
        kept = tuple(w.strip() for w in unless.split(",") if w.strip())
        out.extend(Referral(k.strip(), message.strip(), kept) for k in keywords.split(",") if k.strip())
    return sorted(out, key=lambda r: -len(r.keyword))


def domain_vocabulary(analyzer: Analyzer, thesaurus: Thesaurus) -> frozenset[str]:
    """Words that mark a labour or social-security question: the dictionary and the thesaurus."""
    words: set[str] = set()
    for line in data_text("userdict.txt").splitlines():
        if line.split():
            words.add(line.split()[0].lower())
    for lay, statute in thesaurus.entries.items():
        words.add(lay)
        words.update(t.lower() for t in statute)
    out: set[str] = set()
    for word in words:
        out.update(analyzer.words(word))
    return frozenset(out)


class ScopeGuard:
    def __init__(
        self,
        analyzer: Analyzer,
        thesaurus: Thesaurus,
        referrals: list[Referral] | None = None,
        min_similarity: float = 0.895,  # chosen on eval/answers_*.jsonl (escalation precision)
    ) -> None:
        self.analyzer = analyzer
        self.thesaurus = thesaurus
        self.referrals = load_referrals() if referrals is None else referrals
        self.vocabulary = domain_vocabulary(analyzer, thesaurus)
        self.min_similarity = min_similarity

    def referral(self, question: str) -> Referral | None:
        lowered = question.lower()
        return next(
            (r for r in self.referrals if r.named_in(lowered) and not any(w in lowered for w in r.unless)),
            None,
        )

    def domain_words(self, question: str) -> set[str]:
        return set(self.analyzer.words(self.thesaurus.expand(question))) & self.vocabulary

    def supported(self, question: str, nearest_similarity: float) -> bool:
        """Domain words present and an article close enough in meaning."""
        return bool(self.domain_words(question)) and nearest_similarity >= self.min_similarity
