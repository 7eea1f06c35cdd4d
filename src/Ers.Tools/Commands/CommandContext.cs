namespace Ers.Tools.Commands;

/// <summary>What a command may use: output streams and the clock.</summary>
public sealed record CommandContext(TextWriter Out, TextWriter Error, TimeProvider Time);
