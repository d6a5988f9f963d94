"""The prefilter never turns away a file that running every rule would flag.

Property test: files mixing random text with snippets built from the rules data (model
ids and shapes, fine-tunes, hosts, env names, key shapes) and the catalog's own flagged
examples. Whenever the prefilter says no, the full pipeline must find nothing to report
or rewrite. Parse errors (MM9xx) are tool findings, not rule findings, and are left out.
"""

from __future__ import annotations

import re
from functools import lru_cache

from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from migrator.pipeline import migrate_python
from migrator.prefilter import build_prefilter, literal_prefixes, strip_anchors
from migrator.settings import Settings, build_settings


@lru_cache(maxsize=1)
def shipped() -> Settings:
    from pathlib import Path

    return build_settings({}, None, Path.cwd())


def data_tokens() -> list[str]:
    s = shipped()
    connection = s.catalog.connection
    ids = list(s.models.entries)
    tokens = ids + [f"{i}-2024-08-06" for i in ids[:5]] + [f"ft:{i}:acme::abc123" for i in ids[:5]]
    tokens += [
        "ft:custom-base:acme::x1",
        "gpt-9-turbo",
        "o7",
        "o8-mini",
        "chatgpt-9",
        "tts-1-x",
        "whisper-9",
        "text-embedding-9",
        "computer-use-preview",
        "gpt-realtime-x",
    ]
    tokens += [f"https://{host}/v1" for host in connection.openai_hosts]
    tokens += [f"https://{host}/v1/chat/completions" for host in connection.openai_hosts]
    tokens += [
        *sorted(connection.env_api_key | connection.env_base_url),
        connection.env_prefix + "MODEL",
    ]
    tokens += ["sk-proj-" + "a1B2" * 6, connection.sdk_module]
    return tokens


def flagged_examples() -> list[str]:
    found = []
    for rule in shipped().catalog.rules.values():
        for example in rule.examples:
            if (
                "flagged" in example
                and "config" not in example
                and example.get("file", "example.py").endswith(".py")
            ):
                found.append(example["flagged"])
    return found


TEMPLATES = [
    'value = "{t}"',
    "value = '{p}{t}{s}'",
    'model = "{t}"',
    'client.chat.completions.create(model="{t}", messages=[])',
    'if name == "{t}":\n    pass',
    'x = f"{{a}}{p}{t}{s}"',
    'x = f"{t}-{{size}}"',
    'routes = {{"{t}": 1}}',
    'payload = {{"model": "{t}"}}',
    'import os\nname = os.getenv("{t}", "{t}")',
    'import os\nkey = os.environ["{t}"]',
    'from openai import OpenAI\nclient = OpenAI(api_key="{t}", base_url="{t}")',
    'import openai\nopenai.api_key = "{t}"',
    "# {p}{t}{s}",
    'def f(model="{t}"):\n    return model',
    # string literals of every kind: in Python source only ids inside literals count
    'x = f"use {t} for {{task}}"',
    "x = f'{p} {t}'",
    'x = rf"{p}{t}{s}"',
    'x = Fr"""\n{p}\n{t}-{{n}}\n"""',
    'x = """{t}"""',
    "x = r'{t}'",
    'x = u"{t}"',
    'x = b"{t}"',
    'x = "{t}" "{s}"',
    'x = ("{p}"\n     f"{t} {{y}}")',
    'if"{t}" == name:\n    pass',
    "# it's \"{t}\" here\nx = '{t}'",
    'x = "{e}"',
    'x = f"{e} {{y}}"',
    'x = "{t}\\\n"',
    "{i} = {t!r}",
]

IDENT = re.compile(r"\W")

# code holding id-shaped names and numbers but no id in a literal: turned away
NOT_IDS = [
    b"o1 = list(range(3))\no2 = o1[:]\nassert o1 is not o2\n",
    b"mode = 0o377 | 0o644\nft: int = 1\nx = y[ft:2]\n",
    b"def o3(a):\n    return a - o4\n# o1 and gpt-4o in a comment\n",
    b'x = "o4=1" + "mode o1"  # "o1"\n',
]


def escaped(token: str) -> str:
    """`token` with its last character written as an escape (the value is unchanged).

    Not the first: the filter finds ids by their first characters in the bytes, so an id
    that starts with an escape (`"\\x6f1"`) is not seen (a known gap, as before).
    """
    return f"{token[:-1]}\\x{ord(token[-1]):02x}"


safe_text = st.text(
    alphabet=st.characters(blacklist_characters="\"'\\{}\r\n\x00", blacklist_categories=("Cs",)),
    max_size=12,
)
snippet = st.builds(
    lambda template, token, prefix, suffix: template.format(
        t=token, p=prefix, s=suffix, e=escaped(token), i=IDENT.sub("_", token)
    ),
    st.sampled_from(TEMPLATES),
    st.sampled_from(data_tokens()),
    safe_text,
    safe_text,
)
noise = st.builds(lambda text: f"note = {text!r}", st.text(max_size=40))
examples = flagged_examples()  # the catalog may not carry examples yet
piece = st.one_of(snippet, noise, *([st.sampled_from(examples)] if examples else []))


@hyp_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(piece, min_size=1, max_size=5))
def test_prefilter_never_turns_away_a_flagged_file(pieces: list[str]) -> None:
    data = "\n".join(pieces).encode() + b"\n"
    settings = shipped()
    if build_prefilter(settings).search(data, python=True):
        assert build_prefilter(settings).search(data)  # Python's test only narrows the plain one
        return
    result = migrate_python(data, "example.py", settings)
    rule_findings = [f for f in result.findings if not f.code.startswith("MM9")]
    assert rule_findings == [] and result.new is None, data


def test_flagged_catalog_examples_pass_and_plain_code_does_not() -> None:
    prefilter = build_prefilter(shipped())
    assert all(prefilter.search(example.encode()) for example in flagged_examples())
    assert not prefilter.search(
        b"import os\n\ndef total(xs):\n    return sum(x * 10 for x in xs)\n"
    )
    assert not prefilter.search(b'label = "photo1-left: soft:"\n')  # anchors without a match
    assert all(prefilter.search(example.encode(), python=True) for example in flagged_examples())


def test_python_source_ids_count_only_inside_literals() -> None:
    prefilter = build_prefilter(shipped())
    for code in NOT_IDS:
        assert prefilter.search(code)  # the plain word boundary lets these through
        assert not prefilter.search(code, python=True), code
    for code in [
        b'MODEL = "o1"\n',
        b"MODEL = '''o3-mini'''\n",
        b'x = f"try o1 or {other}"\n',
        b'x = rf"""\nuse o4-mini\n"""\n',
        b'x = "gpt-4\\x6f"\n',
        b'x = "gpt-4o-2024-08-06"\n',
    ]:
        assert prefilter.search(code, python=True), code


def test_user_model_ids_widen_the_filter() -> None:
    from pathlib import Path

    custom = build_settings({"models": {"acme-llm": "mistral-large-latest"}}, None, Path.cwd())
    assert build_prefilter(custom).search(b'MODEL = "acme-llm"\n')
    assert not build_prefilter(shipped()).search(b'MODEL = "acme-llm"\n')


def test_shape_helpers() -> None:
    assert strip_anchors(r"^(o[1-9](-|$)|ft:(?P<base>[^:$]+))\$") == r"(o[1-9](-|)|ft:(?:[^:$]+))\$"
    assert literal_prefixes(r"^(gpt-[0-9]|ft:)") == {f"gpt-{d}" for d in range(10)} | {"ft:"}
    assert literal_prefixes(r"^.*x") is None  # no literal start: the exact regex runs alone
