"""LLM-as-judge for RJUA-QA answers (strict diagnosis, balanced advice) and its agreement with F1.

>>> from rjua.judge import parse_verdict
>>> parse_verdict("诊断：错误\\n建议：正确\\n理由：漏诊。").diagnosis
False
"""
from .prompts import JUDGE_PROMPT_VERSION, MalformedVerdict, Verdict, judge_messages, parse_verdict, show_prompt
from .run import JudgeCache, default_cache_path, judge_backend, judge_records, judge_split, judge_summary

__all__ = [
           "JUDGE_PROMPT_VERSION",
           "JudgeCache",
           "MalformedVerdict",
           "Verdict",
           "default_cache_path",
           "judge_backend",
           "judge_messages",
           "judge_records",
           "judge_split",
           "judge_summary",
           "parse_verdict",
           "show_prompt",
]
