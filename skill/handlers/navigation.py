"""Moving through a routine: next, back, repeat, start over, skip, pause, resume, time left."""

from __future__ import annotations

from content.spoken import minutes_words, number_words
from skill.conversation import Conversation
from skill.handlers.base import IntentHandler
from skill.navigation import Turn
from skill.speech import say
from skill.state import Offer


def offer_again(talk: Conversation):
    """After the end of a routine: offer to start it over, or another one."""
    position = talk.position
    return talk.offer(Offer("start", position.routine, position.minutes),
                      say("after_end", routine=talk.routine_title()), talk.which_routine())


class RoutineHandler(IntentHandler):
    """An intent that only means something inside a routine; outside one it says how to start, and
    after the end of one it offers to start over or another routine."""

    def respond(self, talk: Conversation):
        if talk.finished():
            return offer_again(talk)
        if not talk.in_routine():
            return talk.which(say("not_in_routine"))
        return self.move(talk)

    def move(self, talk: Conversation):
        raise NotImplementedError


class NextHandler(RoutineHandler):
    intent = "AMAZON.NextIntent"

    def move(self, talk):
        return talk.play(talk.resume_turn())


class SkipHandler(RoutineHandler):
    """'Skip this one' moves exactly one exercise on from the one spoken last."""

    intent = "SkipIntent"

    def move(self, talk):
        return talk.play(talk.walkthrough().skip(talk.turn()), prefix=say("skipped"))


class PreviousHandler(RoutineHandler):
    intent = "AMAZON.PreviousIntent"

    def move(self, talk):
        if talk.position.index == 0:
            return talk.play(Turn(0), prefix=say("back_at_start"))
        return talk.play(talk.walkthrough().previous(talk.turn()))


class RepeatHandler(RoutineHandler):
    intent = "AMAZON.RepeatIntent"

    def move(self, talk):
        return talk.play(talk.turn())


class StartOverHandler(IntentHandler):
    intent = "AMAZON.StartOverIntent"

    def respond(self, talk):
        if talk.position is None:
            return talk.which(say("not_in_routine"))
        return talk.play(Turn(0), prefix=say("start_over", routine=talk.routine_title()), intro=True)


class PauseHandler(RoutineHandler):
    """Guided mode cannot wait: the session ends with the place kept and the words to come back."""

    intent = "AMAZON.PauseIntent"

    def move(self, talk):
        talk.position.status = "paused"
        return talk.tell(say("paused", exercise=talk.exercise_name()))


class ResumeHandler(IntentHandler):
    intent = "AMAZON.ResumeIntent"

    def respond(self, talk):
        position = talk.position
        if position is None:
            return talk.which(say("nothing_to_resume"))
        if position.status == "finished":
            return talk.offer(Offer("start", position.routine, position.minutes),
                              say("finished_already", routine=talk.routine_title()), talk.which_routine())
        turn = talk.resume_turn()
        if talk.walkthrough().is_closing(turn):
            return talk.play(turn)
        return talk.play(turn, prefix=say("resuming", exercise=talk.exercise_name(turn.exercise)))


class TimeLeftHandler(IntentHandler):
    """What is left after the exercise in hand: the exercises after it and the closing."""

    intent = "TimeLeftIntent"

    def respond(self, talk):
        if not talk.in_routine():
            return talk.which(say("how_long_nothing", example=talk.context.vocabulary.names()[0]))
        walk, index = talk.walkthrough(), talk.turn().exercise
        after = walk.exercises_after(index)
        if after == 0:
            return talk.answer(say("how_long_last", routine=talk.routine_title()))
        return talk.answer(say("how_long_in", routine=talk.routine_title(), count=number_words(after),
                               length=minutes_words(walk.seconds_after(index))))
