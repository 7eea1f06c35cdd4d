namespace Ers.LoadTests;

/// <summary>One row of a heap census: a type, how many objects of it, and their shallow size.</summary>
public sealed record HeapTypeRow(string Type, long Count, long Bytes);
