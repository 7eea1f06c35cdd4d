using Ers.Agent.PcSc;
using Ers.VirtualCard;

namespace Ers.Agent.Tests;

/// <summary>A hostile card: answers each APDU with the next scripted response, whatever was asked.</summary>
internal sealed class ScriptedCard(params byte[][] answers) : ICardConnection
{
    private readonly Queue<byte[]> _answers = new(answers);

    public string Reader => "scripted";

    public bool ResetOnDispose { get; set; }

    public void BeginTransaction()
    {
    }

    public void EndTransaction(bool reset)
    {
    }

    public List<byte[]> Sent { get; } = [];

    public Task<byte[]> TransmitAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken)
    {
        Sent.Add(command.ToArray());
        return Task.FromResult(_answers.Count > 0 ? _answers.Dequeue() : [0x6F, 0x00]);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>The real virtual card driven directly (no reader), for fast edge tests; pcscd tests cover the wire.</summary>
internal sealed class DirectCard(VirtualPivCard card) : ICardConnection
{
    public string Reader => "direct";

    public bool ResetOnDispose { get; set; }

    public void BeginTransaction()
    {
    }

    public void EndTransaction(bool reset)
    {
    }

    public Task<byte[]> TransmitAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken) =>
        Task.FromResult(card.Process(command.Span));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
