fn main() {
    istra_tray::run()
}
