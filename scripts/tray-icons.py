#!/usr/bin/python3
"""Draws the tray icons (icons/tray-<state>.png, 32 x 32) with pycairo (python3-cairo).

Each state differs by its shape, not by its colour alone (a colour-blind user must tell them
apart): online is the plain phone in a full disc; connecting, the disc broken into dashes;
offline, the phone struck through; ringing, the phone with sound waves; missed, an exclamation
badge. Colours follow the app's palette. Run by hand after changing a design:
    /usr/bin/python3 scripts/tray-icons.py
"""
import math
import pathlib

import cairo

SIZE = 32
ICONS = pathlib.Path(__file__).resolve().parent.parent / "icons"
COLOURS = {
    "online": (0.176, 0.478, 0.294),
    "connecting": (0.541, 0.353, 0.0),
    "offline": (0.373, 0.4, 0.439),
    "ringing": (0.145, 0.388, 0.788),
    "missed": (0.722, 0.196, 0.165),
}
WHITE = (1, 1, 1)


def rounded_rect(cr, x, y, w, h, r):
    cr.new_sub_path()
    cr.arc(x + w - r, y + r, r, -math.pi / 2, 0)
    cr.arc(x + w - r, y + h - r, r, 0, math.pi / 2)
    cr.arc(x + r, y + h - r, r, math.pi / 2, math.pi)
    cr.arc(x + r, y + r, r, math.pi, 3 * math.pi / 2)
    cr.close_path()


def phone(cr, colour, fill_screen=True):
    cr.set_source_rgb(*WHITE)
    rounded_rect(cr, 11.5, 7, 9, 18, 2.2)
    cr.fill()
    cr.set_source_rgb(*colour)
    rounded_rect(cr, 13, 9.5, 6, 10, 0.8)
    cr.fill() if fill_screen else cr.stroke()


def disc(cr, colour):
    cr.set_source_rgb(*colour)
    cr.arc(16, 16, 15, 0, 2 * math.pi)
    cr.fill()


def draw(state):
    surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, SIZE, SIZE)
    cr = cairo.Context(surface)
    colour = COLOURS[state]
    if state == "connecting":
        # A ring of dashes around the phone: not there yet.
        cr.set_source_rgb(*colour)
        cr.set_line_width(3.2)
        cr.set_dash([4.2, 2.6])
        cr.arc(16, 16, 13.4, 0, 2 * math.pi)
        cr.stroke()
        cr.set_dash([])
        cr.arc(16, 16, 10.2, 0, 2 * math.pi)
        cr.fill()
    else:
        disc(cr, colour)
    phone(cr, colour)
    if state == "offline":
        # Struck through, the stroke edged in the disc's colour so it reads on the white phone.
        cr.set_line_cap(cairo.LINE_CAP_ROUND)
        cr.set_source_rgb(*colour)
        cr.set_line_width(5)
        cr.move_to(8, 8)
        cr.line_to(24, 24)
        cr.stroke()
        cr.set_source_rgb(*WHITE)
        cr.set_line_width(2.4)
        cr.move_to(8, 8)
        cr.line_to(24, 24)
        cr.stroke()
    elif state == "ringing":
        # Sound waves on both sides.
        cr.set_source_rgb(*WHITE)
        cr.set_line_width(1.8)
        cr.set_line_cap(cairo.LINE_CAP_ROUND)
        for radius in (8.5, 12):
            cr.arc(16, 16, radius, -0.5, 0.5)
            cr.stroke()
            cr.arc(16, 16, radius, math.pi - 0.5, math.pi + 0.5)
            cr.stroke()
    elif state == "missed":
        # An exclamation badge at the top right, ringed in white.
        cr.set_source_rgb(*WHITE)
        cr.arc(24.5, 7.5, 7.2, 0, 2 * math.pi)
        cr.fill()
        cr.set_source_rgb(*colour)
        cr.arc(24.5, 7.5, 5.6, 0, 2 * math.pi)
        cr.fill()
        cr.set_source_rgb(*WHITE)
        rounded_rect(cr, 23.5, 3.4, 2, 5.2, 0.9)
        cr.fill()
        cr.arc(24.5, 11, 1.1, 0, 2 * math.pi)
        cr.fill()
    surface.write_to_png(str(ICONS / f"tray-{state}.png"))


for name in COLOURS:
    draw(name)
print("written:", ", ".join(f"icons/tray-{name}.png" for name in COLOURS))
