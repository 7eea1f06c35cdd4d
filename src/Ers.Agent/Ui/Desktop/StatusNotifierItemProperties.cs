using Tmds.DBus;

namespace Ers.Agent.Ui.Desktop;

/// <summary>The status icon's D-Bus properties (a subset of the StatusNotifierItem specification).</summary>
[Dictionary]
public sealed class StatusNotifierItemProperties
{
    public string Category { get; set; } = "ApplicationStatus";

    public string Id { get; set; } = "ers-agent";

    public string Title { get; set; } = "Ers smartcard";

    /// <summary>Passive, Active or NeedsAttention.</summary>
    public string Status { get; set; } = "Active";

    public string IconName { get; set; } = "";

    /// <summary>Icon name, icon pixmaps (none), title, text.</summary>
    public (string, (int, int, byte[])[], string, string) ToolTip { get; set; } = ("", [], "", "");

    /// <summary>False: a click activates, the menu is for the context click (what KDE and the AppIndicator host expect).</summary>
    public bool ItemIsMenu { get; set; }

    /// <summary>The com.canonical.dbusmenu object of the icon's menu.</summary>
    public ObjectPath Menu { get; set; } = new("/MenuBar");
}
