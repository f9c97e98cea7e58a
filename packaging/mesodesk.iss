; Inno Setup script: installs the PyInstaller folder (dist\mesodesk) on Windows with
; Start-menu shortcuts. Build the bundle first (make bundle, or
; `python packaging\build.py`), then compile this script with ISCC.exe.
#define AppName "mesodesk"
#define AppVersion "0.1.0"

[Setup]
AppId={{6B1F3C52-6E0B-4C7B-9C1E-5F2B1C7A9D10}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=The mesodesk developers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
OutputBaseFilename=mesodesk-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog
UninstallDisplayIcon={app}\mesodesk.exe
LicenseFile=..\LICENSE

[Files]
Source: "..\dist\mesodesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\mesodesk.exe"
Name: "{group}\{#AppName} (demo)"; Filename: "{app}\mesodesk.exe"; Parameters: "--demo"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\mesodesk.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Run]
Filename: "{app}\mesodesk.exe"; Description: "Start mesodesk"; Flags: nowait postinstall skipifsilent
