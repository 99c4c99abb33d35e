fn main() {
    // SAFETY: the first thing the process does, before any thread exists.
    #[allow(unsafe_code)]
    unsafe {
        istra_tray::draw_in_software();
    }
    istra_tray::run()
}
