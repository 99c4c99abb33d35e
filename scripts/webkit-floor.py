#!/usr/bin/python3
"""What a cold popup cannot beat on this machine: bare WebKitGTK, nothing of ours.

A round times, with the same clock, from asking for a web view to the page's own report that the
frame showing a number was painted (an animation frame, then a timer, as ui/popup.html does).
The page is a few hundred bytes of inline HTML: no file, no framework, no IPC beyond that one
message. Each round has a new web context, so WebKit starts a new web process and a new network
process, as the app's cold popup does. Two figures:
- the first web view in a process (WebKit's own start in the process too), one process each;
- a later one in a process that already had one (the popup's cold case once the app ran one).

Run inside a desktop session (scripts/desktop-session.sh), e.g. by scripts/bench-app.sh's
`webkit_floor` part, or by hand:  scripts/desktop-session.sh scripts/webkit-floor.py [ROUNDS]
Prints one line per round and then p50/p95 in milliseconds.
"""
import statistics
import subprocess
import sys
import time

PAGE = """<!doctype html><meta charset=utf-8>
<body style="margin:0;font:14px sans-serif"><div>+33 1 23 45 67 89</div>
<script>
requestAnimationFrame(() => setTimeout(() =>
  window.webkit.messageHandlers.painted.postMessage(String(performance.now())), 0));
</script>"""


def rounds_in_one_process(count):
    """Creates `count` web views one after the other in this process, each in a new context and
    destroyed before the next (then a pause for its processes to end); prints the milliseconds
    from asking to first paint of each."""
    import gi

    gi.require_version("Gtk", "3.0")
    gi.require_version("WebKit2", "4.1")
    from gi.repository import GLib, Gtk, WebKit2

    for _ in range(count):
        times = {}

        def painted(_manager, _result):
            times["painted"] = time.monotonic()
            Gtk.main_quit()

        asked = time.monotonic()
        manager = WebKit2.UserContentManager()
        manager.connect("script-message-received::painted", painted)
        manager.register_script_message_handler("painted")
        view = WebKit2.WebView(web_context=WebKit2.WebContext.new(), user_content_manager=manager)
        window = Gtk.Window(default_width=340, default_height=150)
        window.add(view)
        window.show_all()
        view.load_html(PAGE, "about:blank")
        timeout = GLib.timeout_add_seconds(20, Gtk.main_quit)
        Gtk.main()
        GLib.source_remove(timeout)
        if "painted" not in times:
            sys.exit("the page never reported its paint")
        print(f"{(times['painted'] - asked) * 1000:.1f}", flush=True)
        window.destroy()
        GLib.timeout_add(2000, Gtk.main_quit)
        Gtk.main()


def summary(what, figures):
    figures = sorted(figures)
    p95 = figures[min(len(figures) - 1, round(0.95 * (len(figures) - 1)))]
    print(f"bare WebKitGTK, {what}: p50 {statistics.median(figures):.1f} ms, p95 {p95:.1f} ms "
          f"({len(figures)} rounds)")


def main():
    if sys.argv[1:2] == ["--in-process"]:
        rounds_in_one_process(int(sys.argv[2]))
        return
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    run = lambda n: subprocess.run(  # noqa: E731
        [sys.executable, __file__, "--in-process", str(n)], capture_output=True, text=True, check=True
    ).stdout.split()
    firsts = [float(run(1)[0]) for _ in range(rounds)]
    later = [float(ms) for ms in run(rounds + 1)[1:]]
    summary("first web view in a process", firsts)
    summary("later web view, new web and network process", later)


if __name__ == "__main__":
    main()
