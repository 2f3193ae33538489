"""Stretch Coach content: exercises and routines as validated data, compiled into the Script."""

from content.builder import MadeToMeasure, NothingToBuild
from content.catalog import Catalog, Listing
from content.compiler import Plan, compile_plan, compile_routine, plan_routine
from content.errors import ContentError, LengthOutOfReach, Problem
from content.loader import Library, load_library
from content.options import RoutineOptions
from content.script import Chime, Cue, Pause, Say, Script, Step

__all__ = ["Catalog", "Chime", "ContentError", "Cue", "LengthOutOfReach", "Library", "Listing", "MadeToMeasure",
           "NothingToBuild", "Pause", "Plan", "Problem", "RoutineOptions", "Say", "Script", "Step", "compile_plan",
           "compile_routine", "load_library", "plan_routine"]
