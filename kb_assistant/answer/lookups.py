"""A caller asking the agent to look up someone's records: the knowledge base cannot.

"帮我查一下张建国的社保交了多少年", "你们系统里看得到吧，帮我查下她老倌的退休金",
"我邻居每个月领多少养老金你告诉我", "帮我查下我的失业金申请审到哪一步了": the answer
is in the business system behind an identity check, never in a policy article, and a
third person's records are not told to a caller at all. Such a request is escalated with
a line saying so, before any wording or extract could answer a neighbouring question.
A question about how to look records up ("去哪里查缴费记录") is a policy question and passes.
"""

from __future__ import annotations

import re

__all__ = ["LOOKUP_MESSAGE", "PUBLIC_LOOKUP_MESSAGE", "RecordLookup"]

LOOKUP_MESSAGE = (
    "来电人要求查询具体人员的参保或待遇记录，知识库不能查询个人信息。请核验身份后转专席或创建工单；"
    "本人也可以通过湖南智慧人社App、电子社保卡或社保经办窗口查询，他人的信息不能向来电人提供。"
)
# the same for the public web chat: no agent, no identity check to pass on
PUBLIC_LOOKUP_MESSAGE = (
    "在线咨询不能查询具体人员的参保或待遇记录。本人可以通过湖南智慧人社App、电子社保卡或社保经办窗口"
    "查询，他人的信息不能提供。"
)

# Asking the agent (not the caller's own phone) to look something up.
_REQUEST = re.compile(
    r"(?:帮我|帮忙|给我|替我|麻烦你?|你们?能不能|你们?可以|你们?帮)(?:查|调|看)"
    r"|系统里.{0,4}(?:看|查)得到"
)
# A person's record, not a rule: what was paid, where someone works, what someone draws,
# how far their application has got ("帮我查一下我那个申请审到哪一步了").
_RECORD = re.compile(
    r"交了|在哪个单位|到账|记录|拿(?:好多|多少)|一个月.{0,6}(?:好多|多少)"
    r"|(?:我|他|她|的)(?:社保|养老金|退休金|工资|待遇)"
    r"|(?:审|办|批|走)到(?:哪一步|哪里了|什么程度)|进度|(?:审核|审批)(?:通过|下来)了?(?:没|冇|吗)"
)
# Someone else's amount, asked without a request verb: still a record, and a third person's.
_THIRD_PERSON = re.compile(r"邻居|隔壁|同事|亲戚|某某")
_AMOUNT = re.compile(r"(?:拿|领)(?:好多|多少)|[一每]个月.{0,6}(?:好多|多少)")


class RecordLookup:
    def asks(self, question: str) -> bool:
        """Does the caller ask the agent to look up a person's records?"""
        if _REQUEST.search(question) and _RECORD.search(question):
            return True
        return bool(_THIRD_PERSON.search(question)) and bool(_AMOUNT.search(question))
