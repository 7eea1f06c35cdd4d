using System.Threading.Channels;
using Ers.Agent.Journey;
using Ers.Api;

namespace Ers.Agent.Ui;

/// <summary>
/// Non-interactive UI for automation: every answer is one line of <c>input</c> (stdin or a FIFO), taken in the order
/// the prompts come. A passcode prompt (or an unblock's PUK and new passcode prompts) takes a line as the secret; a role prompt takes a line holding either the
/// number shown in the list (1-based) or the role profile id. Lines are read character by character into arrays
/// that are zeroed after use, so a passcode never becomes a string. Output lines look like
/// <c>[Virtual PCD 00 00] Active: ...</c> and never contain the passcode.
/// </summary>
public sealed class LineAgentUi : IAgentUi, IDisposable
{
    private const int MaxLine = 256;
    private readonly Channel<char[]> _lines = Channel.CreateUnbounded<char[]>();
    private readonly TextWriter _output;
    private readonly Lock _writeLock = new();
    private readonly SemaphoreSlim _prompt = new(1, 1);

    public LineAgentUi(TextReader input, TextWriter output)
    {
        _output = output;
        _ = Task.Run(() => PumpAsync(input));
    }

    /// <summary>Raised for every notice after it is written (tests wait on it).</summary>
    public event Action<AgentNotice>? Shown;

    public void Show(AgentNotice notice)
    {
        Write(notice.Reader, (notice.Level == NoticeLevel.Info ? "" : notice.Level.ToString().ToUpperInvariant() + ": ") + notice.Message);
        Shown?.Invoke(notice);
    }

    public async Task<char[]> AskPinAsync(string reader, int triesLeft, CancellationToken cancellationToken)
    {
        await _prompt.WaitAsync(cancellationToken);
        try
        {
            Write(reader, $"PASSCODE? ({AgentMessages.TriesLeft(triesLeft)})");
            return await NextLineAsync(cancellationToken);
        }
        finally
        {
            _prompt.Release();
        }
    }

    public async Task<char[]> AskUnblockSecretAsync(string reader, UnblockSecret secret, CancellationToken cancellationToken)
    {
        await _prompt.WaitAsync(cancellationToken);
        try
        {
            Write(reader, secret switch
            {
                UnblockSecret.Puk => "PUK? (the card's unblocking key, from your RA)",
                UnblockSecret.NewPin => "NEW PASSCODE? (6 to 8 digits)",
                _ => "NEW PASSCODE AGAIN?",
            });
            return await NextLineAsync(cancellationToken);
        }
        finally
        {
            _prompt.Release();
        }
    }

    public async Task<RoleProfileDto> ChooseRoleAsync(string reader, string userName, IReadOnlyList<RoleProfileDto> roles, CancellationToken cancellationToken)
    {
        await _prompt.WaitAsync(cancellationToken);
        try
        {
            for (var i = 0; i < roles.Count; i++)
            {
                Write(reader, $"  {i + 1}. {Describe(roles[i])} [{roles[i].RoleProfileId}]");
            }
            while (true)
            {
                Write(reader, $"ROLE? {userName}, choose 1-{roles.Count} or a role profile id");
                var line = await NextLineAsync(cancellationToken);
                var text = new string(line).Trim();
                if (int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= roles.Count)
                {
                    return roles[n - 1];
                }
                if (roles.FirstOrDefault(r => r.RoleProfileId == text) is { } byId)
                {
                    return byId;
                }
                Write(reader, "WARNING: no such role.");
            }
        }
        finally
        {
            _prompt.Release();
        }
    }

    private async Task<char[]> NextLineAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _lines.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException)
        {
            throw new EndOfStreamException("The agent's input ended: there is no answer to give.");
        }
    }

    public static string Describe(RoleProfileDto role) => $"{role.JobRoleName} - {role.OrganisationName} ({role.OdsCode})";

    private void Write(string reader, string text)
    {
        lock (_writeLock)
        {
            _output.WriteLine(reader.Length == 0 ? text : $"[{reader}] {text}");
            _output.Flush();
        }
    }

    private async Task PumpAsync(TextReader input)
    {
        var buffer = new char[MaxLine];
        var one = new char[1];
        var length = 0;
        try
        {
            while (await input.ReadAsync(one) == 1)
            {
                switch (one[0])
                {
                    case '\n':
                        _lines.Writer.TryWrite(buffer[..length]);
                        Array.Clear(buffer);
                        length = 0;
                        break;
                    case '\r':
                        break;
                    default:
                        if (length < MaxLine)
                        {
                            buffer[length++] = one[0];
                        }
                        break;
                }
            }
        }
        finally
        {
            Array.Clear(buffer);
            one[0] = '\0';
            _lines.Writer.TryComplete();
        }
    }

    public void Dispose() => _prompt.Dispose();
}
