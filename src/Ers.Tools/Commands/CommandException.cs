namespace Ers.Tools.Commands;

/// <summary>The command line was wrong; the message tells the operator what to type instead.</summary>
public sealed class CommandException(string message) : Exception(message);
