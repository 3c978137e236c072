#!/usr/bin/env python3
"""Writes tests/fixtures/chat_templates/renders.json: every template under tests/fixtures/chat_templates
rendered over a set of conversations by transformers itself (render_jinja_template, the code behind
tokenizer.apply_chat_template(..., tokenize=False), with jinja2's ImmutableSandboxedEnvironment), for
test_chat_template to match byte for byte.

Each template is rendered with the special tokens its model's tokenizer_config.json declares (passed as
apply_chat_template passes them), over conversations a GPO user meets: a question alone, with a system
turn, several turns, a whole preference pair with a <think> trace, reasoning_content, enable_thinking on
and off, tools and a tool call, awkward whitespace and Unicode. Where the template refuses a
conversation (raise_exception, or an error of its own), the error is recorded instead of a render.

Needs only PyPI (transformers, jinja2). Run from the repository root:

    ~/.cache/gpo-studio/torch-venv/bin/python tests/reference/chat_templates.py
"""
import json
import pathlib
from importlib.metadata import version

import jinja2
from transformers.utils.chat_template_utils import _normalize_chat_messages, render_jinja_template

ROOT = pathlib.Path(__file__).resolve().parents[2]
DIR = ROOT / "tests" / "fixtures" / "chat_templates"

QWEN = {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"}
DEEPSEEK = {"bos_token": "<｜begin▁of▁sentence｜>", "eos_token": "<｜end▁of▁sentence｜>",
            "pad_token": "<｜end▁of▁sentence｜>"}
LLAMA3 = {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"}
MISTRAL = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}
GEMMA = {"bos_token": "<bos>", "eos_token": "<eos>", "unk_token": "<unk>", "pad_token": "<pad>"}
SMOL = {"bos_token": "<|im_start|>", "eos_token": "<|im_end|>", "unk_token": "<|endoftext|>",
        "pad_token": "<|im_end|>"}

# template file -> the special tokens of the model it comes from
TEMPLATES = {
    "qwen2_5_instruct.jinja": QWEN,
    "qwen2_5_math_instruct.jinja": QWEN,
    "qwen3.jinja": QWEN,
    "qwq_32b.jinja": QWEN,
    "r1_distill_qwen.jinja": DEEPSEEK,
    "r1_distill_qwen_32b_llamacpp.jinja": DEEPSEEK,
    "r1_distill_llama.jinja": DEEPSEEK,
    "deepseek_v3.jinja": DEEPSEEK,
    "llama3_instruct.jinja": LLAMA3,
    "llama3_1_instruct.jinja": LLAMA3,
    "llama3_2_instruct.jinja": LLAMA3,
    "smollm2_instruct.jinja": SMOL,
    "smollm3.jinja": {"eos_token": "<|im_end|>", "pad_token": "<|im_end|>"},
    "mistral_7b_instruct_v0_2.jinja": MISTRAL,
    "mistral_nemo_instruct.jinja": MISTRAL,
    "gemma_7b_it.jinja": GEMMA,
    "gemma_2_it.jinja": GEMMA,
    "phi_3_5_mini_instruct.jinja": {"bos_token": "<s>", "eos_token": "<|endoftext|>", "unk_token": "<unk>",
                                    "pad_token": "<|endoftext|>"},
}

GSM8K = ("Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. "
         "How many clips did Natalia sell altogether in April and May?")
MATH = "If $f(x) = \\frac{3x-2}{x-2}$, what is the value of $f(-2) +f(-1)+f(0)$? Express your answer as a common fraction."
STEPS = "Natalia sold 48/2 = 24 clips in May.\n\nNatalia sold 48+24 = 72 clips altogether in April and May.\n\n\\boxed{72}"
TRACE = "<think>\nApril is 48, May is half: 24.\nTogether 72.\n</think>\n\n" + STEPS
WEATHER = {"type": "function", "function": {
    "name": "get_weather", "description": "The weather now, in a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Name, e.g. Paris"}},
                   "required": ["city"]}}}
CALL = {"id": "call12345", "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}

STEP_BY_STEP = "Please reason step by step, and put your final answer within \\boxed{}."

CASES = [
    ("question", [{"role": "user", "content": GSM8K}], True, {}),
    # what gpo asks by default: the question, then the step-by-step instruction
    ("gpo_default", [{"role": "user", "content": GSM8K + "\n" + STEP_BY_STEP}], True, {}),
    ("system_and_question", [{"role": "system", "content": "You are a careful mathematician."},
                             {"role": "user", "content": MATH}], True, {}),
    ("empty_system", [{"role": "system", "content": ""}, {"role": "user", "content": GSM8K}], True, {}),
    ("several_turns", [{"role": "user", "content": "What is 2+2?"}, {"role": "assistant", "content": "4"},
                       {"role": "user", "content": GSM8K}], True, {}),
    ("whole_pair", [{"role": "user", "content": GSM8K}, {"role": "assistant", "content": TRACE}], False, {}),
    ("whole_pair_with_system", [{"role": "system", "content": "Reason step by step."},
                                {"role": "user", "content": MATH}, {"role": "assistant", "content": STEPS}], False, {}),
    ("no_generation_prompt", [{"role": "user", "content": GSM8K}], False, {}),
    ("awkward_text", [{"role": "user", "content": "  \n Café — ½ ≤ ∞ 🙂 'quotes' \"double\" back\\slash\t\n\n  "}],
     True, {}),
    ("thinking_off", [{"role": "user", "content": GSM8K}], True, {"enable_thinking": False}),
    ("thinking_on", [{"role": "user", "content": GSM8K}], True, {"enable_thinking": True}),
    ("reasoning_content", [{"role": "user", "content": "What is 2+2?"},
                           {"role": "assistant", "content": "4", "reasoning_content": "2 and 2 make 4."},
                           {"role": "user", "content": GSM8K}], True, {}),
    ("tools", [{"role": "user", "content": "Weather in Paris?"}], True, {"tools": [WEATHER]}),
    ("tool_call", [{"role": "user", "content": "Weather in Paris?"},
                   {"role": "assistant", "content": "", "tool_calls": [CALL]},
                   {"role": "tool", "content": "22 C", "tool_call_id": "call12345"}], True, {"tools": [WEATHER]}),
    ("date_string", [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}], True,
     {"date_string": "03 Dec 2026"}),
]


# Small templates on the semantics real templates lean on: scoping, whitespace control, undefined values,
# Python's printing of values, filters, tests, methods. Rendered with no messages; `variables` as given.
SNIPPETS = [
    ("{% set x = 0 %}{% for i in [1,2] %}{{ x }}{% set x = i %}{{ x }}{% endfor %}{{ x }}", {}),
    ("{% for i in [1,2] %}{% if i == 2 %}{{ y }}{% endif %}{% set y = i %}{% endfor %}", {}),
    ("{% set ns = namespace(n=0) %}{% for i in range(4) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}", {}),
    ("{{ 1.0 }} {{ 1e20 }} {{ 0.0001 }} {{ 1e-5 }} {{ 3/2 }} {{ 4/2 }} {{ 7//2 }} {{ -7//2 }} {{ -7 % 3 }} {{ 2**10 }}", {}),
    ("{{ true }} {{ none }} {{ [1,'a',none,1.5] }} {{ {'a':1,'b':[true]} }} {{ (1,) }} {{ (1,2) }}", {}),
    ("{{ d.y }}|{{ d.y is defined }}|{{ d['y'] is not defined }}|{{ d.y ~ 'a' }}", {"d": {}}),
    ("{{ 'abc'[::-1] }} {{ 'héllo'|length }} {{ 'héllo'[1:3] }} {{ [1,2,3,4][1:] }} {{ [1,2,3][-1] }} {{ [1,2,3][5] }}", {}),
    ("{{ 'a,b,,c'.split(',') }} {{ ' a  b '.split() }} {{ 'x'.strip('x') }} {{ 'a b c'.split(' ', 1) }} {{ 'a.b.c'.rsplit('.', 1) }}", {}),
    ("{{ [3,1,2]|sort }} {{ ['b','A','c']|sort }} {{ [1,2]|join(', ') }} {{ {'b':1,'a':2}|tojson }} {{ {'a':[1,2],'b':{}}|tojson(indent=2) }}", {}),
    ("{{ 'é\"\n\u2028'|tojson }} {{ 'é'|tojson(ensure_ascii=true) }} {{ [1.0, 2.5e-7, none, false]|tojson }} {{ {'b':1,'a':2}|tojson(sort_keys=true) }}", {}),
    ("{{ \"it's\" }} {{ [\"it's\", 'a\"b', 'c\\n', 'tab\\t'] }}", {}),
    ("  {% if true %}\n  x\n  {% endif %}\n  {{ 'y' }}\n", {}),
    ("{%- if true %}\n  x  {%+ if true %}z{% endif %}\n{% endif -%}\n\n end\n", {}),
    ("a  {#- c -#}  b\n  {# d #}\nq {% raw %}{{ not parsed }}{% endraw %}", {}),
    ("{{ 1 == 1.0 }} {{ true == 1 }} {{ true + 1 }} {{ [1] == [1] }} {{ 'a' < 'b' }} {{ 1 < 2 < 3 }} {{ 2 in [1,2] }} {{ 'x' not in 'abc' }}", {}),
    ("{% for a, b in {'x':1,'y':2}.items() %}{{ a }}{{ b }}{% endfor %}{% for x in [1,2,3] if x > 1 %}{{ loop.index }}/{{ loop.length }}{{ loop.first }}{{ loop.last }}{% else %}none{% endfor %}{% for x in [] %}{% else %}empty{% endfor %}", {}),
    ("{{ x | default('d') }} {{ none|default('d') }} {{ none|default('d', true) }} {{ ''|d('e', true) }}", {}),
    ("{{ 5 is divisibleby 3 }} {{ 'a' is string }} {{ 1 is number }} {{ true is number }} {{ 1 is integer }} {{ true is integer }} {{ {} is mapping }} {{ [] is iterable }} {{ none is none }} {{ 2 is even }} {{ 3 is odd }} {{ x is undefined }} {{ 'a' is sameas 'a' }} {{ 1 is eq 1 }}", {}),
    ("{{ msgs|selectattr('role', 'equalto', 'user')|map(attribute='content')|list }} {{ msgs|rejectattr('role', 'eq', 'user')|list|length }} {{ msgs|map(attribute='role')|unique|list }} {{ msgs|first }} {{ (msgs|last).role }}",
     {"msgs": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}, {"role": "user", "content": "c"}]}),
    ("{% for x in [1,2,3,4,5] %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}", {}),
    ("{% macro greet(name, punct='!') %}Hello {{ name }}{{ punct }}{% endmacro %}{{ greet('a') }} {{ greet('b', punct='?') }}", {}),
    ("{% set block %}  inner {{ 1 + 1 }} {% endset %}[{{ block }}] {% filter upper %}shout {{ 'me' }}{% endfilter %}", {}),
    ("{{ 'Hello World'.lower() }} {{ 'hello world'.title() }} {{ 'abc'.upper() }} {{ 'aXbX'.replace('X', '-') }} {{ 'abc'.startswith('ab') }} {{ 'abc'.endswith(('x', 'c')) }} {{ 'a-b'.find('-') }} {{ ', '.join(['x', 'y']) }}", {}),
    ("{{ '  pad  '|trim }}|{{ 'xxhixx'|trim('x') }}|{{ 'a\nb\n\nc'|indent(2) }}|{{ 'a\nb'|indent(2, true) }}|{{ 'some text here'|wordcount }}|{{ 'hello'|capitalize }}|{{ [1,2,3]|sum }}|{{ [3,1,2]|max }}|{{ -3|abs }}|{{ 2.567|round(2) }}|{{ '42'|int + 1 }}|{{ 3|float }}|{{ 5|string ~ 'x' }}", {}),
    ("{{ d.items()|list }} {{ d|items|list }} {{ d.keys()|list }} {{ d.values()|list }} {{ d.get('a') }} {{ d.get('z', 'none') }} {{ d|dictsort }} {{ d|length }}", {"d": {"b": 2, "a": 1}}),
    ("{{ 'yes' if flag else 'no' }} {{ 'yes' if not flag }}|{{ flag and 'a' or 'b' }} {{ 0 or '' or 'last' }} {{ [] and 1 }}", {"flag": False}),
    ("{{ ('a' ~ 1 ~ none) }} {{ 'ab' * 3 }} {{ [0] * 2 }} {{ -(2 + 3) * 2 }} {{ 10 - 2 - 3 }} {{ 2 ** 3 ** 2 }} {{ 'a' + 'b' | upper }}", {}),
    ("{{ raise_exception('stop here: ' ~ 42) }}", {}),
    ("{{ 'a' + x.y }}", {}),
    ("{{ none + 1 }}", {}),
    ("{{ d['content']['text'] }}", {"d": {"content": "str"}}),
]


def render(template, messages, add_generation_prompt, special, extra):
    kwargs = dict(special)
    kwargs.update(extra)
    tools = kwargs.pop("tools", None)
    conversation = _normalize_chat_messages(messages)
    try:
        out, _ = render_jinja_template(conversations=[conversation], tools=tools, chat_template=template,
                                       add_generation_prompt=add_generation_prompt, **kwargs)
        return {"rendered": out[0]}
    except jinja2.exceptions.TemplateError as e:
        # raise_exception raises TemplateError itself; subclasses (UndefinedError, ...) are the template's own faults
        return {"error": str(e), "raised": type(e) is jinja2.exceptions.TemplateError}
    except Exception as e:  # noqa: BLE001 - a template failing is a result to record
        return {"error": f"{type(e).__name__}: {e}", "raised": False}


def main():
    templates = []
    for name, special in TEMPLATES.items():
        source = (DIR / name).read_text(encoding="utf-8")
        cases = []
        for case, messages, agp, extra in CASES:
            if case == "date_string" and "date_string" not in source:
                continue
            if "strftime_now" in source and "date_string" not in extra:
                # today's date would make the fixture expire; strftime_now itself is tested in C++
                extra = {**extra, "date_string": "26 Jul 2024"}
            result = render(source, messages, agp, special, extra)
            cases.append({"case": case, "messages": messages, "add_generation_prompt": agp,
                          "variables": extra, **result})
        templates.append({"file": name, "special_tokens": special, "cases": cases})
    snippets = []
    for source, variables in SNIPPETS:
        result = render(source, [], False, {}, variables)
        snippets.append({"template": source, "variables": variables, **result})
    out = {"generator": "tests/reference/chat_templates.py",
           "versions": {"transformers": version("transformers"), "jinja2": version("jinja2")},
           "templates": templates, "snippets": snippets}
    (DIR / "renders.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    n = sum(len(t["cases"]) for t in templates)
    errors = sum(1 for t in templates for c in t["cases"] if "error" in c)
    print(f"{len(templates)} templates, {n} renders ({errors} refused by the template), {len(snippets)} snippets")


if __name__ == "__main__":
    main()
