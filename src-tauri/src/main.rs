fn main() {
    // The app draws a few small windows; GTK's OpenGL setup would bring the whole GL stack
    // (Mesa with LLVM, about 25 MiB) into a process that runs all day, and WebKit then
    // composites on the GPU (a 160 MiB web process per popup instead of 95). Without it both
    // draw in software. A GDK_GL the user set is kept.
    if std::env::var_os("GDK_GL").is_none() {
        // SAFETY: the first thing the process does, before any thread exists, so nothing can
        // read the environment while it changes. The only unsafe code in the workspace.
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var("GDK_GL", "disable");
        }
    }
    istra_tray::run()
}
