"""Every text of the pages has its Chinese translation; English falls back to the message id."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir

from api.web import i18n
from api.web.render import FLAG_WORDS, ROLE_NAMES, STATUS_WORDS, reason_words
from metro.model import reasons
from metro.model.gaps import REASONS

WEB = Path(i18n.__file__).parent


def _used() -> set[str]:
    ids = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(WEB),
        method_map=[("templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")],
        keywords={"_": None, "gettext": (2,)},
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    # Texts looked up from data: status words, roles, gap reasons.
    return (ids | set(STATUS_WORDS.values()) | set(ROLE_NAMES.values()) | set(REASONS)
            | set(FLAG_WORDS.values()) | {"prefecture", "quantity", "usage"}
            | set(reasons.TEMPLATES))


def test_every_page_text_has_a_chinese_translation():
    zh = i18n.translations("zh")
    missing = sorted(m for m in _used() if m and zh.gettext(m) == m)
    assert missing == []


def test_english_is_the_message_id():
    assert i18n.gettext("en", "Sign in") == "Sign in"
    assert i18n.gettext("zh", "Sign in") == "登录"


def test_an_unknown_language_is_chinese():
    assert i18n.language("fr") == "zh"
    assert i18n.gettext("fr", "Sign in") == "登录"


def test_a_reason_template_keeps_its_fields_in_chinese():
    for template in reasons.TEMPLATES:
        zh = i18n.gettext("zh", template)
        assert sorted(re.findall(r"\{(\w+)\}", zh)) == sorted(re.findall(r"\{(\w+)\}", template))


def test_status_reasons_are_worded_in_the_pages_language():
    said = reasons.SEPARATOR.join([
        reasons.TRACEABLE.format(roots="NIM-P1", paths=1),
        reasons.WITH_STATUS.format(status="due_soon", reason=reasons.DUE_SOON.format(
            number="HN-1", valid_until="2026-12-06", days=10)),
        "U 20 ppm where ≤ 16.7 ppm was needed",  # no template: as the engine wrote it
    ])
    assert reason_words(said, "zh") == (
        "经 1 条路径溯源至 NIM-P1；即将到期：证书 HN-1 有效期至 2026-12-06（剩 10 天）；"
        "U 20 ppm where ≤ 16.7 ppm was needed"
    )
    assert reason_words(said, "en") == said


def test_a_supervision_flag_reason_names_the_quantity_in_chinese():
    said = reasons.UNAUTHORIZED.format(
        number="V-1", calibrated_on="2026-03-01", issuer="LAB9", quantity="pressure")
    assert reason_words(said, "zh") == (
        "检定证书 V-1（2026-03-01）由 LAB9 出具，该机构当日未获压力检定授权"
    )
