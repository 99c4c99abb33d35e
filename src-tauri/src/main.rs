fn main() {
    // SAFETY: the first thing the process does, before any thread exists. The workspace's only
    // unsafe code, with `draw_in_software` itself.
    #[allow(unsafe_code)]
    unsafe {
        istra_tray::draw_in_software();
    }
    istra_tray::run()
}
