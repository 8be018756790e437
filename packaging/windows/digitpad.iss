; Inno Setup script for DigitPad on Windows. Build the app first:
;   pyinstaller --noconfirm --distpath packaging\build\dist packaging\digitpad.spec
; then:  iscc /DVersion=0.1.0 packaging\windows\digitpad.iss   -> packaging\dist\DigitPad-Setup-0.1.0.exe
; Built and smoke-tested by .github/workflows/installers.yml; not run on this project's Linux machines.
#ifndef Version
  #define Version "0.1.0"
#endif

[Setup]
AppId={{6F0B7B52-3C1E-4E8B-9D2A-5A0D1F1C7A11}
AppName=DigitPad
AppVersion={#Version}
AppPublisher=DigitPad developers
DefaultDirName={autopf}\DigitPad
DefaultGroupName=DigitPad
UninstallDisplayIcon={app}\digitpad.exe
OutputDir=..\dist
OutputBaseFilename=DigitPad-Setup-{#Version}
SetupIconFile=..\..\assets\icons\digitpad.ico
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern
PrivilegesRequiredOverridesAllowed=dialog

[Files]
Source: "..\build\dist\digitpad\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\DigitPad"; Filename: "{app}\digitpad.exe"
Name: "{autodesktop}\DigitPad"; Filename: "{app}\digitpad.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Run]
Filename: "{app}\digitpad.exe"; Description: "Start DigitPad"; Flags: nowait postinstall skipifsilent

; The user's data (%LOCALAPPDATA%\DigitPad) is not touched by the uninstaller.
