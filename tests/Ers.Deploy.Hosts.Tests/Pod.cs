using Ers.Testing.Processes;

namespace Ers.Deploy.Hosts.Tests;

/// <summary>A pod <see cref="DeclaredPods"/> started: its host process and the environment it was given (declared, with the replacements).</summary>
internal sealed record Pod(HostProcess Host, IReadOnlyDictionary<string, string> Environment);
