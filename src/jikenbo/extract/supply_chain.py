"""Supply chain and vendors: did it happen at a third party of the organisation, and which one.

RECORD.md: `supply_chain` is true when the incident happened at a contractor, sub-contractor,
vendor or service provider of the organisation rather than at the organisation itself; `vendors`
are those third parties' names as written. Two kinds of sentence place an incident there:

- a contractor word with what happened: `委託先のサーバーが不正アクセスを受け` (contractor_sentence);
- a named company providing the service or product the organisation used, with what happened:
  `株式会社〇〇が提供する決済サービスが改ざんされ` (provider_sentence).

A contractor mention does not count where the party only helps afterwards (`専門ベンダーとの調査`,
`委託先に削除を依頼`) or only received what the organisation sent by mistake (`委託業者に誤って
送信`); a sentence about what will be done next (`今後は委託先の管理を徹底`) says nothing about
where it happened. Vendors are the legal-entity names in the sentences that name a counting
contractor or a provider, other than the organisation itself and its group companies, each name
once however its legal form is written.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from jikenbo import data
from jikenbo.extract import identity
from jikenbo.extract.context import Finding, PostText
from jikenbo.extract.entities import entity_names


def _any(key: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{word})" for word in _WORDS[key]))


_WORDS = data.load("supply_chain")
_CONTRACTOR = _any("contractor_words")
_PROVIDER = _any("provider_words")
_INCIDENT = _any("incident_words")
_COUNTERMEASURE = _any("countermeasure_words")
_MISTAKE = _any("mistake_words")
_RELATED = _any("related_company_words")
_HELPER_BEFORE = _any("helper_before")
# Read where a contractor word ends: `委託` + `会社の協力`, `ベンダー` + `との調査`.
_TAIL = r"(?:会社|業者|事業者|先|様|社)?\s{0,2}"
_HELPER_AFTER = re.compile(_TAIL + "(?:" + "|".join(_WORDS["helper_after"]) + ")")
# The contractor as addressee: `委託業者に…データを送信`, `委託先へ…削除を依頼`; not the place or
# agent (`委託先において誤って送信`, `委託先による`).
_ADDRESSEE = re.compile(_TAIL + r"(?:に(?!おいて|おける|て|よ|関|係|対する)|へ|宛てに|宛に|あてに)"
                        r"(?:対して|対し)?[^、。]{0,20}?(?:"
                        rf"(?P<request>{'|'.join(_WORDS['request_verbs'])})|"
                        rf"(?P<send>{'|'.join(_WORDS['send_verbs'])}))")
# A sentence runs to 。 or a line end; a 。 inside a short (…) does not end it.
_SENTENCE = re.compile(r"(?:[^。\n(]|\([^)\n]{0,120}\)?)+")
_HELPER_WINDOW = 8  # characters before a contractor word that can say it is a specialist
_PLACE = re.compile(data.load("organizations")["municipality"])
_LEGAL_FORMS = re.compile("|".join(map(re.escape, sorted(
    data.load("organizations")["legal_forms"], key=len, reverse=True))) + r"|\s")


def supply_chain(view: PostText) -> Finding[tuple[bool, tuple[str, ...]]]:
    text = view.text
    chain: list[tuple[int, int]] = []
    naming: list[tuple[int, int, bool]] = []  # sentence span, and whether it names a provider
    for start, end, sentence in _sentences(text):
        contractor, provider = _third_party_mentions(sentence)
        if contractor and _describes_incident(sentence):
            chain.append((start, end))
        if contractor or provider:
            naming.append((start, end, provider))
    if not chain and not any(provider for _, _, provider in naming):
        return Finding((False, ()), "no_third_party_sentence")
    rule = "contractor_sentence" if chain else "provider_sentence"
    own = _key(identity.organization(view).value or "")
    vendors: dict[str, str] = {}  # one name per spelling of its legal form and spaces
    spans: list[tuple[int, int]] = []
    for start, end, provider in naming:
        for name_start, name_end in entity_names(text, start, end):
            name = view.original(name_start, name_end).strip()
            key = _key(name)
            if key in vendors or not _is_third_party(key, own, text, name_start):
                continue
            if provider and not chain:
                chain.append((start, end))
            vendors[key] = name
            spans.append((name_start, name_end))
    if not chain:  # a provider sentence that names no third party: the service may be its own
        return Finding((False, ()), "provider_not_named")
    return Finding((True, tuple(vendors.values())), rule, (chain[0], *spans))


def _sentences(text: str) -> Iterator[tuple[int, int, str]]:
    for match in _SENTENCE.finditer(text):
        yield match.start(), match.end(), match.group(0)


def _third_party_mentions(sentence: str) -> tuple[bool, bool]:
    """(names a contractor where it happened, names a provider of what the organisation used).

    Provider: `株式会社〇〇が提供するサービスが改ざんされ`; not `今後は〇〇社の製品を導入し対策を徹底`.
    """
    mistaken: bool | None = None  # looked up once per sentence, at most
    contractor = False
    for mention in _CONTRACTOR.finditer(sentence):
        role = _role(sentence, mention)
        if role == "received" and mistaken is None:
            mistaken = bool(_MISTAKE.search(sentence))
        if role == "at_contractor" or (role == "received" and not mistaken):
            contractor = True
            break
    provider = bool(_PROVIDER.search(sentence)) and _describes_incident(sentence)
    return contractor, provider


def _role(sentence: str, mention: re.Match[str]) -> str:
    """What a contractor mention says the contractor did: `helped`, `received` or `at_contractor`.

    at_contractor: `委託先のサーバーに不正アクセス`, `委託先から報告があり`; helped: `セキュリティ
    専門ベンダーとの調査で`, `外部委託会社の協力を得て`, `委託先に削除を依頼`; received:
    `委託業者に…データを送信` (counts only when nothing was sent by mistake).
    """
    if _HELPER_BEFORE.search(sentence, max(0, mention.start() - _HELPER_WINDOW), mention.start()):
        return "helped"
    if _HELPER_AFTER.match(sentence, mention.end()):
        return "helped"
    addressed = _ADDRESSEE.match(sentence, mention.end())
    if addressed is None:
        return "at_contractor"
    return "helped" if addressed.group("request") else "received"


def _describes_incident(sentence: str) -> bool:
    """What happened, not what will be done: `流出しました` yes, `今後は漏えい防止を徹底` no."""
    return bool(_INCIDENT.search(sentence)) and not _COUNTERMEASURE.search(sentence)


def _key(name: str) -> str:
    """A name without its legal form and spaces: `水道マッピングシステム(株)` → `水道マッピングシステム`."""
    return _LEGAL_FORMS.sub("", name)


def _is_third_party(key: str, own: str, text: str, start: int) -> bool:
    """Not the issuer (`株式会社東玉` in 株式会社東玉's notice) nor one of its group companies
    (`〇〇株式会社` and `〇〇システム株式会社`; `当社子会社の△△株式会社`). A body named after the
    issuing prefecture or city (`(公財)滋賀県国際協会` in 滋賀県's notice) is a third party."""
    if not key or key == own:
        return False
    if len(own) >= 2 and not _PLACE.fullmatch(own) and (key in own or own in key):
        return False
    return not _RELATED.search(text, max(0, start - _HELPER_WINDOW), start)
