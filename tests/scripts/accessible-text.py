#!/usr/bin/python3
"""Prints the text a screen reader finds in the windows of process PID, one line a node:
role, name and text, tab-separated. Reads the desktop's accessibility bus (AT-SPI)."""
import sys

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402


def walk(node, depth):
    if depth > 40:
        return
    try:
        text = ""
        if "Text" in node.get_interfaces():
            text = Atspi.Text.get_text(node, 0, Atspi.Text.get_character_count(node))
        print(f"{node.get_role_name()}\t{node.get_name()}\t{text}".replace("\n", " "))
        for i in range(node.get_child_count()):
            walk(node.get_child_at_index(i), depth + 1)
    except gi.repository.GLib.Error:
        pass  # a node that went away while we read it


pid = int(sys.argv[1])
desktop = Atspi.get_desktop(0)
for i in range(desktop.get_child_count()):
    app = desktop.get_child_at_index(i)
    if app is not None and app.get_process_id() == pid:
        walk(app, 0)
