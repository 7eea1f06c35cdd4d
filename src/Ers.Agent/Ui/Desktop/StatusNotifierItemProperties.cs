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

    public bool ItemIsMenu { get; set; }
}
