namespace Ers.Tools.Pki;

/// <summary>A PKI command could not do what was asked; the message says why.</summary>
public sealed class PkiException(string message) : Exception(message);
