#!/usr/bin/python3
"""A double of the desktop portal's GlobalShortcuts (org.freedesktop.portal.GlobalShortcuts, the
frontend apps talk to) on the session bus, with the host app registry of portals >= 1.19.

It behaves as KDE's and GNOME's portals do for what the app relies on: requests answer through
a Request object's Response signal; a shortcut bound by an app is remembered for that app id
(a later session lists it); the desktop, not the app, decides the key: it gives the preferred
trigger unless told to give another (`GiveTrigger`); ConfigureShortcuts (version 2) stands for
the desktop's dialog where the user gives the key `GiveTrigger` set, announced by
ShortcutsChanged.

Control interface `test.Control` on /org/freedesktop/portal/desktop:
  Press(s shortcut_id)   emits Activated then Deactivated to every open session
  GiveTrigger(s trigger) the trigger the desktop gives at the next binds ("" = the preferred one)
  State() -> s           JSON: {"apps": {app_id: {"shortcuts": {...}, "binds": n, "configures": n}},
                         "sessions": n}
Usage: /usr/bin/python3 tests/scripts/portal-double.py   (prints "ready" once it owns the name)
"""
import json
import sys
import time

from gi.repository import Gio, GLib

DESKTOP = "/org/freedesktop/portal/desktop"
SHORTCUTS = "org.freedesktop.portal.GlobalShortcuts"
INTERFACES = Gio.DBusNodeInfo.new_for_xml("""<node>
 <interface name="org.freedesktop.portal.GlobalShortcuts">
  <method name="CreateSession"><arg type="a{sv}" direction="in"/><arg type="o" direction="out"/></method>
  <method name="BindShortcuts"><arg type="o" direction="in"/><arg type="a(sa{sv})" direction="in"/>
   <arg type="s" direction="in"/><arg type="a{sv}" direction="in"/><arg type="o" direction="out"/></method>
  <method name="ListShortcuts"><arg type="o" direction="in"/><arg type="a{sv}" direction="in"/>
   <arg type="o" direction="out"/></method>
  <method name="ConfigureShortcuts"><arg type="o" direction="in"/><arg type="s" direction="in"/>
   <arg type="a{sv}" direction="in"/></method>
  <signal name="ShortcutsChanged"><arg type="o"/><arg type="a(sa{sv})"/></signal>
  <signal name="Activated"><arg type="o"/><arg type="s"/><arg type="t"/><arg type="a{sv}"/></signal>
  <signal name="Deactivated"><arg type="o"/><arg type="s"/><arg type="t"/><arg type="a{sv}"/></signal>
  <property name="version" type="u" access="read"/>
 </interface>
 <interface name="org.freedesktop.host.portal.Registry">
  <method name="Register"><arg type="s" direction="in"/><arg type="a{sv}" direction="in"/></method>
  <property name="version" type="u" access="read"/>
 </interface>
 <interface name="test.Control">
  <method name="Press"><arg type="s" direction="in"/></method>
  <method name="GiveTrigger"><arg type="s" direction="in"/></method>
  <method name="State"><arg type="s" direction="out"/></method>
 </interface>
</node>""").interfaces
REQUEST = Gio.DBusNodeInfo.new_for_xml("""<node><interface name="org.freedesktop.portal.Request">
 <method name="Close"/><signal name="Response"><arg type="u"/><arg type="a{sv}"/></signal>
</interface></node>""").interfaces[0]
SESSION = Gio.DBusNodeInfo.new_for_xml("""<node><interface name="org.freedesktop.portal.Session">
 <method name="Close"/><signal name="Closed"><arg type="a{sv}"/></signal>
 <property name="version" type="u" access="read"/>
</interface></node>""").interfaces[0]

apps = {}        # app id -> {"shortcuts": {id: {"description", "trigger"}}, "binds": n}
app_of = {}      # bus name -> app id it registered ("" when it did not)
sessions = {}    # session path -> {"sender", "registration"}
given = {"trigger": ""}


def caller_part(sender):
    """`:1.42` -> `1_42`, as portals write a caller into object paths."""
    return sender[1:].replace(".", "_")


def app(sender):
    return apps.setdefault(app_of.get(sender, ""), {"shortcuts": {}, "binds": 0, "configures": 0})


def listed(sender):
    return GLib.Variant("a(sa{sv})", [
        (sid, {"description": GLib.Variant("s", s["description"]),
               "trigger_description": GLib.Variant("s", s["trigger"])})
        for sid, s in app(sender)["shortcuts"].items()])


def answer(conn, sender, path, results):
    """A Request at `path`; its Response follows the method's return, as with the real portal."""
    registration = conn.register_object(path, REQUEST, lambda c, s, p, i, m, a, call: call.return_value(None),
                                        None, None)

    def respond():
        conn.emit_signal(sender, path, "org.freedesktop.portal.Request", "Response",
                         GLib.Variant("(ua{sv})", (0, results)))
        conn.unregister_object(registration)
        return False
    GLib.timeout_add(20, respond)


def on_call(conn, sender, path, interface, method, parameters, call):
    args = parameters.unpack()
    if interface == "org.freedesktop.host.portal.Registry":
        app_of[sender] = args[0]
        call.return_value(None)
        return
    if interface == "test.Control":
        if method == "Press":
            now = int(time.time() * 1000)
            for session_path, session in sessions.items():
                for signal in ("Activated", "Deactivated"):
                    conn.emit_signal(session["sender"], DESKTOP, SHORTCUTS, signal,
                                     GLib.Variant("(osta{sv})", (session_path, args[0], now, {})))
            call.return_value(None)
        elif method == "GiveTrigger":
            given["trigger"] = args[0]
            call.return_value(None)
        else:
            call.return_value(GLib.Variant("(s)", (json.dumps({"apps": apps, "sessions": len(sessions)}),)))
        return
    who = caller_part(sender)
    options = args[-1]
    request = f"{DESKTOP}/request/{who}/{options.get('handle_token') or 't'}"
    if method == "CreateSession":
        session_path = f"{DESKTOP}/session/{who}/{options.get('session_handle_token') or 's'}"

        def close(c, s, p, i, m, a, closing):
            c.unregister_object(sessions.pop(p)["registration"])
            closing.return_value(None)
        registration = conn.register_object(session_path, SESSION, close, lambda *a: GLib.Variant("u", 1), None)
        sessions[session_path] = {"sender": sender, "registration": registration}
        call.return_value(GLib.Variant("(o)", (request,)))
        answer(conn, sender, request, {"session_handle": GLib.Variant("s", session_path)})
        return
    if args[0] not in sessions:
        call.return_dbus_error("org.freedesktop.portal.Error.InvalidArgument", "no such session")
        return
    if method == "ConfigureShortcuts":
        mine = app(sender)
        mine["configures"] += 1
        for shortcut in mine["shortcuts"].values():
            shortcut["trigger"] = given["trigger"] or shortcut["trigger"]
        call.return_value(None)
        conn.emit_signal(sender, DESKTOP, SHORTCUTS, "ShortcutsChanged",
                         GLib.Variant.new_tuple(GLib.Variant("o", args[0]), listed(sender)))
        return
    if method == "BindShortcuts":
        mine = app(sender)
        mine["binds"] += 1
        for sid, info in args[1]:
            preferred = info.get("preferred_trigger", "")
            mine["shortcuts"][sid] = {"description": info.get("description", ""),
                                      "trigger": given["trigger"] or preferred}
    call.return_value(GLib.Variant("(o)", (request,)))
    answer(conn, sender, request, {"shortcuts": listed(sender)})


def on_get(conn, sender, path, interface, name):
    return GLib.Variant("u", 2 if interface == SHORTCUTS else 1)


def on_bus(conn, name):
    for interface in INTERFACES:
        conn.register_object(DESKTOP, interface, on_call, on_get, None)


Gio.bus_own_name(Gio.BusType.SESSION, "org.freedesktop.portal.Desktop", Gio.BusNameOwnerFlags.NONE,
                 on_bus, lambda c, n: print("ready", flush=True), lambda c, n: sys.exit("portal-double: name lost"))
GLib.MainLoop().run()
