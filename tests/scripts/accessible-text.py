#!/usr/bin/python3
"""What a screen reader finds in the windows of a process, read on the desktop's accessibility
bus (AT-SPI).

  accessible-text.py PID            prints one line a node: role, name and text, tab-separated
  accessible-text.py PID TEXT SECS  prints "ready", then waits up to SECS for TEXT to show
                                    (looking every 5 ms); prints "found" and exits 0, or exits 1
  accessible-text.py PID --press NAME N
                                    presses the Nth (from 0) push button named NAME, as a screen
                                    reader user would (looking again for up to 3 s); exits 1
                                    when there is no such button
"""
import sys
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402


def walk(node, depth, lines):
    if depth > 40:
        return
    try:
        text = ""
        if "Text" in node.get_interfaces():
            text = Atspi.Text.get_text(node, 0, Atspi.Text.get_character_count(node))
        lines.append(f"{node.get_role_name()}\t{node.get_name()}\t{text}".replace("\n", " "))
        for i in range(node.get_child_count()):
            walk(node.get_child_at_index(i), depth + 1, lines)
    except gi.repository.GLib.Error:
        pass  # a node that went away while we read it


def apps(pid):
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is not None and app.get_process_id() == pid:
            yield app


def read(pid):
    lines = []
    for app in apps(pid):
        # Without a main loop the cache never hears of changes: a text changed in place (a
        # caller's name that arrives after the number) would stay unseen.
        app.clear_cache()
        walk(app, 0, lines)
    return "\n".join(lines)


def buttons(node, name, depth=0):
    if depth > 40:
        return
    try:
        if node.get_role_name() == "push button" and node.get_name() == name:
            yield node
        children = [node.get_child_at_index(i) for i in range(node.get_child_count())]
    except gi.repository.GLib.Error:
        return  # a node that went away while we looked (a page redrawing part of itself)
    for child in children:
        yield from buttons(child, name, depth + 1)


def press(pid, name, index):
    # A page that redraws (a talking call's card, every second) may hide the button for a
    # moment: it is looked for again, for up to 3 s, but pressed once at most.
    deadline = time.monotonic() + 3
    while True:
        found = []
        for app in apps(pid):
            app.clear_cache()
            found.extend(buttons(app, name))
        if index < len(found):
            return Atspi.Action.do_action(found[index], 0)
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


pid = int(sys.argv[1])
if len(sys.argv) == 5 and sys.argv[2] == "--press":
    sys.exit(0 if press(pid, sys.argv[3], int(sys.argv[4])) else 1)
if len(sys.argv) < 4:
    print(read(pid))
    sys.exit(0)
wanted, deadline = sys.argv[2], time.monotonic() + float(sys.argv[3])
print("ready", flush=True)
while time.monotonic() < deadline:
    if wanted in read(pid):
        print("found", flush=True)
        sys.exit(0)
    time.sleep(0.005)
sys.exit(1)
