; The installer's hooks (src-tauri/windows/hooks.nsh) run as Tauri's per-user NSIS installer runs
; them (SetShellVarContext current: SHCTX is HKCU), in an installer that installs nothing else.
; scripts/windows.sh builds it with makensis (-DHOOKS=<hooks.nsh> -DOUT=<folder>, -DUNINSTALL
; for the uninstaller's hooks), runs it silently under Wine with /D=<the .exe's folder> and reads
; back what it wrote to the registry. Built for x64: Debian's Wine runs 64-bit programs only
; (Tauri's installer is a 32-bit one; on 64-bit Windows its HKCU writes land in the same keys,
; HKCU\Software\Classes not being redirected for 32-bit programs).
Target amd64-unicode
Name "istra-tray installer hooks"
RequestExecutionLevel user
SilentInstall silent
InstallDir "$LOCALAPPDATA\istra-tray"
!ifdef UNINSTALL
  OutFile "${OUT}/hooks-uninstall.exe"
!else
  OutFile "${OUT}/hooks-install.exe"
!endif

!include "${HOOKS}"

Section
  SetShellVarContext current
!ifdef UNINSTALL
  !insertmacro NSIS_HOOK_POSTUNINSTALL
!else
  !insertmacro NSIS_HOOK_POSTINSTALL
!endif
SectionEnd
