fn main() {
    // SAFETY: the first thing the process does, before any thread exists.
    #[allow(unsafe_code)]
    unsafe {
        istra_tray::draw_in_software();
        #[cfg(target_os = "linux")]
        istra_tray::choose_display();
    }
    istra_tray::run()
}
