"""Stretch Coach content: exercises and routines as validated data, compiled into the Script."""

from content.compiler import Plan, compile_plan, compile_routine, plan_routine
from content.errors import ContentError, Problem
from content.loader import Library, load_library
from content.script import Chime, Cue, Pause, Say, Script, Step

__all__ = ["Chime", "ContentError", "Cue", "Library", "Pause", "Plan", "Problem", "Say", "Script", "Step",
           "compile_plan", "compile_routine", "load_library", "plan_routine"]
