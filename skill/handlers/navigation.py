"""Moving through a routine: next, back, repeat, start over, skip, pause, resume, time left."""

from __future__ import annotations

from content.spoken import minutes_words, number_words
from skill.conversation import Conversation, routine_title, say
from skill.handlers.base import IntentHandler


class RoutineHandler(IntentHandler):
    """An intent that only means something inside a routine; outside one it says how to start."""

    def respond(self, talk: Conversation):
        if not talk.in_routine():
            return talk.ask(say("not_in_routine", which=say("which_routine")), say("which_routine"))
        return self.move(talk)

    def move(self, talk: Conversation):
        raise NotImplementedError


class NextHandler(RoutineHandler):
    intent = "AMAZON.NextIntent"

    def move(self, talk):
        return talk.play(talk.resume_index())


class SkipHandler(RoutineHandler):
    intent = "SkipIntent"

    def move(self, talk):
        """'Skip this one' skips the exercise that would come next: the interrupted one, or the
        upcoming one after an exercise has finished. Skipping the last one ends the routine."""
        skipped = talk.resume_index()
        if skipped >= talk.exercise_count():
            return talk.play(skipped)
        return talk.play(skipped + 1, prefix=say("skipped", name=talk.exercise_name(skipped)))


class PreviousHandler(RoutineHandler):
    intent = "AMAZON.PreviousIntent"

    def move(self, talk):
        if talk.position.index == 0:
            return talk.play(0, prefix=say("back_at_start"))
        return talk.play(talk.position.index - 1)


class RepeatHandler(RoutineHandler):
    intent = "AMAZON.RepeatIntent"

    def move(self, talk):
        return talk.play(talk.position.index)


class StartOverHandler(RoutineHandler):
    intent = "AMAZON.StartOverIntent"

    def respond(self, talk):
        if talk.position is None:
            return super().respond(talk)
        return talk.play(0, prefix=say("start_over", routine=routine_title(talk.position.routine)), intro=True)


class PauseHandler(RoutineHandler):
    intent = "AMAZON.PauseIntent"

    def move(self, talk):
        talk.position.status = "paused"
        name = talk.exercise_name()
        return talk.ask(say("paused"), say("paused_reprompt", exercise=name))


class ResumeHandler(IntentHandler):
    intent = "AMAZON.ResumeIntent"

    def respond(self, talk):
        position = talk.position
        if position is None:
            return talk.ask(say("nothing_to_resume", which=say("which_routine")), say("which_routine"))
        if position.status == "finished":
            talk.state.offer = position.routine
            offer = say("offer_usual", routine=routine_title(position.routine))
            return talk.ask(say("finished_already", routine=routine_title(position.routine), offer=offer), offer)
        index = talk.resume_index()
        return talk.play(index, prefix=say("resuming", exercise=talk.exercise_name(index)))


class TimeLeftHandler(IntentHandler):
    intent = "TimeLeftIntent"

    def respond(self, talk):
        if not talk.in_routine():
            return talk.ask(say("how_long_nothing"), say("which_routine"))
        groups = talk.groups()
        current = talk.position.index
        remaining = groups[1 + current:]
        seconds = sum(step.duration_s for group in remaining for step in group)
        title = routine_title(talk.position.routine)
        after = talk.exercise_count() - current - 1
        if after == 0:
            text = say("how_long_last", routine=title, length=minutes_words(seconds))
        else:
            text = say("how_long_in", routine=title, length=minutes_words(seconds), count=number_words(after))
        return talk.ask(text, say("go_on_reprompt", next=talk.exercise_name(min(current + 1, talk.exercise_count() - 1)),
                                  current=talk.exercise_name()))
