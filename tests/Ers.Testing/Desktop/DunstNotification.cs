namespace Ers.Testing.Desktop;

/// <summary>A notification as the real notification daemon (dunst) received it: its summary, body and sender's name.</summary>
public sealed record DunstNotification(string Summary, string Body, string AppName);
