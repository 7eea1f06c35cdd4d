using Tmds.DBus;

namespace Ers.Agent.Ui.Desktop;

/// <summary>The menu's own D-Bus properties (com.canonical.dbusmenu version 3).</summary>
[Dictionary]
public sealed class DbusMenuProperties
{
    public uint Version { get; set; } = 3;

    public string TextDirection { get; set; } = "ltr";

    public string Status { get; set; } = "normal";

    public string[] IconThemePath { get; set; } = [];
}
