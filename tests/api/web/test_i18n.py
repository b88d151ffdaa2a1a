"""Every text of the pages has its Chinese translation; English falls back to the message id."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from api.web import i18n
from api.web.render import FLAG_WORDS, ROLE_NAMES, STATUS_WORDS
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
            | set(FLAG_WORDS.values()) | {"prefecture", "quantity", "usage"})


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
