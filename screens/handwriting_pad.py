"""The handwriting pad (手写): a big square to write one character in with a finger, the candidates
as big buttons beside or under it, 重写 and 退格 (in portrait the square grows into the height the
screen leaves, see HandwritingPadView.room). The rules (strokes, which answer counts, when 手写 is offered)
are kiosk.flows.handwriting.HandwritingPad's; this module draws and turns touches into its calls.

    pad = HandwritingPadView(target=text_input)     # a tapped candidate goes to target.insert_text

Recognition runs on the app's worker shortly after the finger lifts (RECOGNISE_AFTER), so there is no
"recognise" button; a new stroke drops the answer for the strokes before it. What is written is
neither logged nor spoken.

A pad inside a scroll view needs PadScrollView: a plain ScrollView takes a finger moving more than a
few pixels for a scroll and the stroke would move the form instead of drawing. This module is not a
screen although it has a .kv (screens/__init__.py lists it as such).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.core.window import Window
from kivy.graphics import Color, InstructionGroup, Line
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, OptionProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.flows.handwriting import CANDIDATES, HandwritingPad
from kiosk.theme import COLORS, hex_rgba
from screens.tr import tr
from screens.widgets import KButton, KScrollView, wrap_plain

log = logging.getLogger(__name__)

#: Seconds after the finger lifts before the strokes are recognised: long enough that the next stroke
#: of the same character usually starts first (a stroke starting drops the request anyway).
RECOGNISE_AFTER = 0.4


@lru_cache(maxsize=64)
def _text_height(text: str, font_name: str, font_size: float, line_height: float, width: float | None = None) -> float:
    """The rendered height of `text` in that font, wrapped at `width` (None: one line). Kept: the pad
    arranges itself again on every change of size, room, orientation and elder mode, with the same texts."""
    label = CoreLabel(text=text, font_name=font_name, font_size=font_size, line_height=line_height,
                      text_size=(width, None))
    label.refresh()
    return label.texture.size[1]


class CandidateButton(KButton):
    """One candidate character, big; empty slots stay in place so the row does not jump."""

    stretch = NumericProperty(0)             # the tile height the view's arrangement asks for


class WritingSquare(Widget):
    """The square the finger writes in (米字格 guide lines); strokes are drawn as the finger moves."""

    stroke_width = NumericProperty(dp(5))

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._ink = InstructionGroup()
        self.canvas.after.add(self._ink)
        self._lines: list[Line] = []
        self.view: HandwritingPadView | None = None

    def clear_ink(self) -> None:
        self._ink.clear()
        self._lines = []

    def redraw(self, strokes: list[list[tuple[float, float]]]) -> None:
        """Ink for the pad's strokes (pad coordinates, y downwards), e.g. after one was taken back."""
        self.clear_ink()
        for s in strokes:
            self._new_line([p for x, y in s for p in (self.x + x, self.top - y)])

    def _new_line(self, points: list[float]) -> Line:
        self._ink.add(Color(*hex_rgba(COLORS["text"])))
        line = Line(points=points, width=self.stroke_width, cap="round", joint="round")
        self._ink.add(line)
        self._lines.append(line)
        return line

    def on_size(self, *_args) -> None:
        if self.view is not None:
            self.redraw(self.view.pad.strokes)

    on_pos = on_size

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos) or self.view is None or self.disabled:
            return super().on_touch_down(touch)
        if getattr(touch, "is_mouse_scrolling", False):
            return False
        touch.grab(self)
        self.view.stroke_begins(touch.x - self.x, self.top - touch.y)
        self._new_line([touch.x, touch.y])
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_move(touch)
        # Clamped to the square: a finger sliding off keeps drawing along the edge, as on paper.
        x = min(max(touch.x, self.x), self.right)
        y = min(max(touch.y, self.y), self.top)
        if self.view is not None:
            self.view.pad.extend(x - self.x, self.top - y)
        if self._lines:
            self._lines[-1].points = self._lines[-1].points + [x, y]
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_up(touch)
        touch.ungrab(self)
        if self.view is not None:
            self.view.stroke_ends()
        return True


class HandwritingPadView(BoxLayout):
    """The square, the candidates, 重写 and 退格, writing into `target` (a TextInput).

    `room` is the height the pad may take (TextEntry sets it from the screen; 0: not known). In
    portrait the square grows into it (see the .kv for the arrangements); the pad is never taller
    than `room` unless even the landscape arrangement is (then the screen scrolls, as before).
    """

    target = ObjectProperty(None, allownone=True)
    side = NumericProperty(dp(380))          # the square's side, set by arrange()
    writing = BooleanProperty(False)         # strokes are on the pad
    room = NumericProperty(0)
    layout = OptionProperty("beside", options=["beside", "column", "stacked"])
    column_width = NumericProperty(dp(260))  # the candidates' column in the 'column' arrangement
    column_cols = NumericProperty(2)         # and how many tiles a row it has
    beside_cols = NumericProperty(5)         # tiles a row in the 'beside' arrangement

    def __init__(self, pad: HandwritingPad | None = None, **kwargs) -> None:
        app = App.get_running_app()
        if pad is None:
            from kiosk.flows.runners import InlineRunner

            runner = app.worker if app is not None and getattr(app, "worker", None) is not None else InlineRunner()
            pad = HandwritingPad(runner)
        self.pad = pad
        self._timer = None
        super().__init__(**kwargs)
        self.slots: list[CandidateButton] = []
        for _ in range(CANDIDATES):
            b = CandidateButton(text="", disabled=True)
            b.bind(on_release=lambda btn: self.choose(btn.text))
            self.ids.candidates.add_widget(b)
            self.slots.append(b)
        self.ids.square.view = self
        # Strong references: ids are weak, and arrange() takes these two out of the tree to move them.
        self.hint, self.buttons = self.ids.hint.__self__, self.ids.buttons.__self__
        self._arrange = Clock.create_trigger(self.arrange, -1)     # before the frame: no visible jump
        # Bound methods, which Kivy holds weakly: the window and the app outlive every pad.
        self.bind(width=self._rearrange, room=self._rearrange)
        self.hint.bind(height=self._rearrange)
        self.buttons.bind(height=self._rearrange)
        Window.bind(height=self._rearrange)
        if app is not None:
            app.bind(elder=self._rearrange, orientation=self._rearrange)
        self._unsubscribe = pad.subscribe(self._show)
        self._show()
        self.arrange()

    # ------------------------------------------------------------ arrangement

    def _rearrange(self, *_args) -> None:
        self._arrange()

    def _tile_height(self) -> float:
        """A candidate tile's height: a character of the tiles' font with the button's margins."""
        b = self.slots[0]
        app = App.get_running_app()
        key_height = app.sz.key if app is not None and hasattr(app, "sz") else dp(72)
        return max(dp(72), key_height, _text_height("王", b.font_name, b.font_size, b.line_height) + dp(24))

    def _hint_height(self, width: float) -> float:
        """The hint's height across the pad, the taller of its two texts: measured, not read from the
        hint, whose width depends on the arrangement being chosen (and writing must not change it)."""
        h = self.hint
        font = (h.font_name, float(h.font_size), bool(h.bold))
        texts = (tr._("请在下面方框里用手指写一个字"), tr._("点下面的字填入；写错了按“重写”"))
        return max(_text_height(wrap_plain(text, width - 2.0, font), h.font_name, h.font_size, h.line_height, width)
                   for text in texts)

    def _buttons_height(self) -> float:
        """重写/退格 across the pad: one line each (read from the buttons only when they are there)."""
        if self.layout != "beside":
            return self.buttons.height
        b = self.ids.backspace_button
        text_h = _text_height(b.text or "退格", b.font_name, b.font_size, b.line_height, dp(2000))
        app = App.get_running_app()
        return max(app.sz.button if app is not None and hasattr(app, "sz") else dp(64), text_h + dp(24))

    def arrange(self, *_args) -> None:
        """Pick the arrangement and the square's side for the width, the room and the orientation."""
        app = App.get_running_app()
        elder = bool(getattr(app, "elder", False))
        portrait = getattr(app, "orientation", "landscape") == "portrait"
        width, tile, gap = self.width, self._tile_height(), dp(8)
        # Landscape (and the fallback): finger-sized, larger in elder mode, at most half the width (the
        # candidates need the rest) and a third of the screen's height (the field must stay in view).
        layout, side, stretch = "beside", min(dp(480) if elder else dp(380), width * 0.5, Window.height * 0.36), 0.0
        if portrait and self.room > 0:
            # Above and under the square: the hint and 重写/退格, each with the view's spacing.
            free = self.room - self._hint_height(width) - self._buttons_height() - 2 * self.spacing
            # Beside the square: the candidates two a row, or three (fewer rows) when five rows of
            # tiles are taller than the room; tiles a little narrower than high, as characters are.
            for cols in (2, 3):
                rows = -(-CANDIDATES // cols)
                column = max(cols * tile * 0.8 + (cols - 1) * gap, width * 0.26)
                in_column = min(width - column - dp(16), free)
                if in_column > side and rows * tile + (rows - 1) * gap <= free:
                    layout, side = "column", in_column
                    stretch = max(tile, (in_column - (rows - 1) * gap) / rows)
                    self.column_width, self.column_cols = column, cols
                    break
            stacked = min(width, free - dp(10) - (2 * tile + gap))
            if stacked > side:
                # Height the square cannot take (it is as wide as the pad) goes to the candidates.
                spare = max(free - dp(10) - (2 * tile + gap) - stacked, 0)
                layout, side, stretch = "stacked", stacked, tile + min(spare / 2, tile / 2)
        stretch = stretch or tile
        # Beside: when two rows of tiles make the column taller than the square (elder mode: it pushed
        # 重写/退格 out of the evaluation's view in landscape) and the column is wide enough, one row.
        if layout == "beside":
            controls = self.ids.controls
            two_rows = self.hint.height + 2 * tile + gap + self.buttons.height + 2 * controls.spacing
            wide = width - side - dp(16) >= CANDIDATES * tile * 0.7 + (CANDIDATES - 1) * gap
            self.beside_cols = 10 if two_rows > side + 1 and wide else 5
        for b in self.slots:
            b.stretch = stretch
        self.side = max(side, 1)
        if layout != self.layout:
            self._move_parts(layout)
            self.layout = layout

    def _move_parts(self, layout: str) -> None:
        # Beside: the hint and the buttons are in the column right of the square; else above and under all.
        hint, buttons, controls = self.hint, self.buttons, self.ids.controls
        for w in (hint, buttons):
            if w.parent is not None:
                w.parent.remove_widget(w)
        if layout == "beside":
            controls.add_widget(hint, index=len(controls.children))
            controls.add_widget(buttons, index=0)
        else:
            self.add_widget(hint, index=len(self.children))
            self.add_widget(buttons, index=0)

    # ------------------------------------------------------------ touches -> pad

    def stroke_begins(self, x: float, y: float) -> None:
        self._cancel_timer()
        self.pad.begin(x, y)
        self.writing = True

    def stroke_ends(self) -> None:
        self.pad.end()
        self._cancel_timer()
        self._timer = Clock.schedule_once(self._recognise, RECOGNISE_AFTER)

    def _recognise(self, *_args) -> None:
        self._timer = None
        sq = self.ids.square
        self.pad.recognise(sq.width, sq.height)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def choose(self, text: str) -> None:
        ch = self.pad.take(text)
        if not ch:
            return
        if self.target is None:
            log.warning("handwriting pad has no target; a character dropped")
            return
        self.target.insert_text(ch)

    def rewrite(self) -> None:
        """重写: the pad is clear, nothing was written into the field."""
        self._cancel_timer()
        self.pad.clear()

    def backspace(self) -> None:
        """退格: the last stroke while writing, else the character before the cursor."""
        self._cancel_timer()
        if self.pad.undo_stroke():
            if self.pad.strokes:
                self._timer = Clock.schedule_once(self._recognise, RECOGNISE_AFTER)
        elif self.target is not None:
            self.target.do_backspace()

    # ------------------------------------------------------------ pad -> widgets

    def _show(self) -> None:
        pad = self.pad
        self.writing = bool(pad.strokes)
        sq = self.ids.square
        if len(sq._lines) != len(pad.strokes):
            sq.redraw(pad.strokes)
        for i, b in enumerate(self.slots):
            text = pad.candidates[i] if i < len(pad.candidates) else ""
            b.text, b.disabled = text, not text
            b.opacity = 1 if text else 0.35

    def candidate_widget(self, text: str) -> CandidateButton | None:
        return next((b for b in self.slots if b.text == text and text), None)

    def visible_candidates(self) -> list[str]:
        return [b.text for b in self.slots if b.text]

    def wipe(self) -> None:
        self._cancel_timer()
        self.pad.reset()


class PadScrollView(KScrollView):
    """A scroll view that leaves a touch on a writing square to the square (see the module's doc)."""

    def on_touch_down(self, touch):
        if self.collide_point(*touch.pos) and self._on_square(touch):
            touch.ud[self._get_uid("svavoid")] = True
            return self.simulate_touch_down(touch)
        return super().on_touch_down(touch)

    def _on_square(self, touch) -> bool:
        # Window coordinates from the touch's normalised position: touch.pos is in the parent's
        # coordinates here, and the screens in between are relative layouts.
        wx, wy = touch.sx * (Window.width - 1), touch.sy * (Window.height - 1)
        for w in self.walk(restrict=True):
            if isinstance(w, WritingSquare) and w.get_root_window() is not None and not w.disabled:
                x0, y0 = w.to_window(w.x, w.y)
                if x0 <= wx <= x0 + w.width and y0 <= wy <= y0 + w.height:
                    return True
        return False


Builder.load_file(str(Path(__file__).with_suffix(".kv")))

__all__ = ["RECOGNISE_AFTER", "CandidateButton", "HandwritingPadView", "PadScrollView", "WritingSquare"]
