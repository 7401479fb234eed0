; Inno Setup 6 script of PassDesk for Windows: installs the folder that installer/passdesk.spec
; froze (dist\passdesk), the same spec whose Linux bundle `make installer-test` proves.
;
;   iscc /DAppVersion=0.1.0 installer\windows\passdesk.iss
;
; Built by .github/workflows/windows-installer.yml on a Windows runner; it cannot be built or
; tried on the Linux development machine.
;
; - Per-user install by default, without administrator rights ({localappdata}\Programs\PassDesk);
;   the first page offers "for all users" (Program Files, needs an administrator), and so do
;   the /ALLUSERS and /CURRENTUSER command-line switches.
; - Start-menu shortcut always, desktop shortcut as a ticked option.
; - French and English pages (the PC's language chooses; French otherwise).
; - Uninstalling keeps the desk's data (%LOCALAPPDATA%\PassDesk: database, backups, logs,
;   settings) unless the person says so, or /DELETEDATA is given to a silent uninstall.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\passdesk"
#endif

[Setup]
AppId={{6E0B7B8E-3F0A-4C8B-9D57-2C1A9B5E7A14}
AppName=PassDesk
AppVersion={#AppVersion}
AppVerName=PassDesk {#AppVersion}
AppPublisher=PassDesk
DefaultDirName={autopf}\PassDesk
DefaultGroupName=PassDesk
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=passdesk-{#AppVersion}-windows-setup
SetupIconFile=passdesk.ico
UninstallDisplayIcon={app}\passdesk.exe
UninstallDisplayName=PassDesk
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto
LanguageDetectionMethod=uilanguage
CloseApplications=yes

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
french.DeleteData=Supprimer aussi les données de PassDesk de cet utilisateur (base de données, sauvegardes, journaux) ?%n%n%1%n%nChoisissez Non pour les garder : une nouvelle installation les retrouvera.
english.DeleteData=Also delete this user's PassDesk data (database, backups, logs)?%n%n%1%n%nChoose No to keep it: a new installation will find it again.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\PassDesk"; Filename: "{app}\passdesk.exe"; WorkingDir: "{app}"
Name: "{autodesktop}\PassDesk"; Filename: "{app}\passdesk.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\passdesk.exe"; Description: "{cm:LaunchProgram,PassDesk}"; Flags: nowait postinstall skipifsilent

[Code]
function CommandLineHas(const Switch: String): Boolean;
var
  I: Integer;
begin
  Result := False;
  for I := 1 to ParamCount do
    if CompareText(ParamStr(I), Switch) = 0 then
      Result := True;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if CurUninstallStep <> usPostUninstall then
    exit;
  DataDir := ExpandConstant('{localappdata}\PassDesk');
  if not DirExists(DataDir) then
    exit;
  if UninstallSilent then begin
    if CommandLineHas('/DELETEDATA') then
      DelTree(DataDir, True, True, True);
  end
  else if MsgBox(FmtMessage(CustomMessage('DeleteData'), [DataDir]),
                 mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
    DelTree(DataDir, True, True, True);
end;
