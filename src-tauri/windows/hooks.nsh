; istra-tray NSIS installer hooks (Windows): register istra-tray as a handler the user can
; pick for tel:, callto: and sip: links ("Default apps" → "Choose defaults by link type").
; Windows asks the user before making it the default; nothing is taken over silently.

!macro ISTRA_URL_SCHEME SCHEME
  WriteRegStr SHCTX "Software\Classes\istra-tray.${SCHEME}" "" "URL:${SCHEME} link (istra-tray)"
  WriteRegStr SHCTX "Software\Classes\istra-tray.${SCHEME}" "URL Protocol" ""
  WriteRegStr SHCTX "Software\Classes\istra-tray.${SCHEME}\DefaultIcon" "" "$INSTDIR\istra-tray.exe,0"
  WriteRegStr SHCTX "Software\Classes\istra-tray.${SCHEME}\shell\open\command" "" '"$INSTDIR\istra-tray.exe" "%1"'
  WriteRegStr SHCTX "Software\istra-tray\Capabilities\URLAssociations" "${SCHEME}" "istra-tray.${SCHEME}"
!macroend

!macro NSIS_HOOK_POSTINSTALL
  WriteRegStr SHCTX "Software\istra-tray\Capabilities" "ApplicationName" "istra-tray"
  WriteRegStr SHCTX "Software\istra-tray\Capabilities" "ApplicationDescription" "Call popups and click-to-dial for Centile Istra"
  !insertmacro ISTRA_URL_SCHEME "tel"
  !insertmacro ISTRA_URL_SCHEME "callto"
  !insertmacro ISTRA_URL_SCHEME "sip"
  WriteRegStr SHCTX "Software\RegisteredApplications" "istra-tray" "Software\istra-tray\Capabilities"
!macroend

!macro NSIS_HOOK_POSTUNINSTALL
  DeleteRegValue SHCTX "Software\RegisteredApplications" "istra-tray"
  DeleteRegKey SHCTX "Software\istra-tray"
  DeleteRegKey SHCTX "Software\Classes\istra-tray.tel"
  DeleteRegKey SHCTX "Software\Classes\istra-tray.callto"
  DeleteRegKey SHCTX "Software\Classes\istra-tray.sip"
!macroend
