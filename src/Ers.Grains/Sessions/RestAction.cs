using Ers.Sessions;

namespace Ers.Grains.Sessions;

/// <summary>What a live session does when its grain leaves memory.</summary>
public enum RestAction
{
    /// <summary>Not live: nothing to keep.</summary>
    Nothing = 0,

    /// <summary>Stay live, at rest in the durable index until its deadline (or the next call) wakes it.</summary>
    Rest = 1,

    /// <summary>End now with <see cref="SessionEndReason.ServerStopped"/>: its state will not survive the stop.</summary>
    EndServerStopped = 2,
}
