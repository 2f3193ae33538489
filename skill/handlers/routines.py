"""Choosing a routine: start one, list them, say what's in one and how long it takes, hold length."""

from __future__ import annotations

from content.spoken import number_words, spoken_list
from skill.conversation import Conversation
from skill.handlers.base import IntentHandler
from skill.handlers.navigation import TimeLeftHandler
from skill.speech import say
from skill.state import Offer


class StartRoutineHandler(IntentHandler):
    """Start the routine named; when that routine is part done, ask whether to resume or start over."""

    intent = "StartRoutineIntent"

    def respond(self, talk: Conversation):
        routine, minutes = talk.slots.routine(), talk.slots.minutes()
        if routine is None:
            return talk.which(say("unknown_routine"))
        position = talk.position
        if (talk.in_routine() and position.routine == routine and minutes in (None, position.minutes)
                and (position.index, position.part) != (0, 0)):
            exercise = talk.exercise_name(talk.resume_turn().exercise)
            return talk.offer(Offer("resume_or_restart", routine, position.minutes),
                              say("resume_or_restart", routine=talk.routine_title(), exercise=exercise),
                              say("resume_or_restart_reprompt", routine=talk.routine_title(), exercise=exercise))
        return talk.start(routine, minutes)


class BuildRoutineHandler(IntentHandler):
    """A routine made to measure: "a fifteen minute routine for my hips", "...for my back without
    kneeling", "something I can do in a chair". It is saved under an id that says what it works and
    leaves out, so resume, skip and how-much-is-left work on it as on any routine."""

    intent = "BuildRoutineIntent"

    def respond(self, talk: Conversation):
        from content import NothingToBuild, RoutineOptions
        from content.builder import MadeToMeasure, made_to_measure_id
        from content.spoken import target_words

        focus, avoid = talk.slots.focus(), talk.slots.avoid()
        options = RoutineOptions(focus=[focus] if focus else [], avoid=[avoid] if avoid else [])
        try:
            MadeToMeasure(talk.context.catalog.library, options)
        except NothingToBuild as exc:  # too few exercises for that focus with those limits; says what can be done
            if not exc.possible:
                return talk.which(say("cannot_build", why=exc.problems[0].message))
            question = say("build_instead", focus=target_words(exc.possible[0]),
                           routine=talk.context.vocabulary.names()[0])
            return talk.ask(f"{say('cannot_build', why=exc.problems[0].message)} {question}", question)
        return talk.start(made_to_measure_id(options), talk.slots.minutes())


def _listing(talk: Conversation) -> str:
    catalog = talk.context.catalog
    return spoken_list([say("routine_line", title=catalog.library.routine(r).title, length=talk.length_words(r))
                        for r in catalog.routine_ids])


class ListRoutinesHandler(IntentHandler):
    intent = "ListRoutinesIntent"

    def respond(self, talk):
        count = number_words(len(talk.context.catalog.routine_ids))
        return talk.ask(say("routines_list", count=count, listing=_listing(talk)), talk.which_routine())


class DescribeRoutineHandler(IntentHandler):
    intent = "DescribeRoutineIntent"

    def respond(self, talk):
        routine = talk.slots.routine() or (talk.position.routine if talk.position else None)
        if routine is None:
            return ListRoutinesHandler(self.context).respond(talk)
        minutes = talk.position.minutes if talk.position and talk.position.routine == routine else None
        walk = talk.context.walkthrough(routine, minutes, talk.state.hold_scale)
        library = talk.context.catalog.library
        names = [library.exercise(e).name for e in walk.script.exercise_ids()]
        text = say("describe", title=talk.context.title(routine), length=talk.length_words(routine, minutes),
                   count=number_words(len(names)), names=spoken_list(names))
        if talk.in_routine():
            return talk.answer(text)
        return talk.offer(Offer("start", routine, minutes), f"{text} {say('offer_it')}", talk.which_routine())


class HowLongHandler(IntentHandler):
    intent = "HowLongIntent"

    def respond(self, talk):
        routine = talk.slots.routine()
        if routine is None:
            return TimeLeftHandler(self.context).respond(talk)
        text = say("how_long_routine", title=talk.context.title(routine), length=talk.length_words(routine))
        if talk.in_routine():
            return talk.answer(text)
        return talk.offer(Offer("start", routine), f"{text} {say('offer_it')}", talk.which_routine())


class HoldLengthHandler(IntentHandler):
    intent = "HoldLengthIntent"

    def respond(self, talk):
        choice = talk.slots.hold_length() or "normal"
        talk.state.hold_length = choice
        return talk.answer(say(f"holds_{choice}"))
