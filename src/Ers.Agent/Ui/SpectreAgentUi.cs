using Ers.Agent.Journey;
using Ers.Api;
using Spectre.Console;

namespace Ers.Agent.Ui;

/// <summary>
/// The terminal UI. The passcode is read key by key into a char array (Spectre's secret prompt returns a string,
/// which could not be wiped). One prompt at a time, even with two readers. With more than five roles the list is
/// filtered as the user types (Spectre's own search only moves the cursor to the first match): the list shrinks to
/// the roles whose name, organisation or ODS code hold every word typed.
/// </summary>
public sealed class SpectreAgentUi(IAnsiConsole console) : IAgentUi, IDisposable
{
    private const int MaxRolesWithoutSearch = 5;
    private readonly SemaphoreSlim _prompt = new(1, 1);

    public void Show(AgentNotice notice)
    {
        var colour = notice.Level switch
        {
            NoticeLevel.Error => "red",
            NoticeLevel.Warning => "yellow",
            _ when notice.State == JourneyState.Active => "green",
            _ => "default",
        };
        var prefix = notice.Reader.Length == 0 ? "" : $"[grey]{Markup.Escape(notice.Reader)}[/] ";
        console.MarkupLine($"{prefix}[{colour}]{Markup.Escape(notice.Message)}[/]");
    }

    public Task<char[]> AskPinAsync(string reader, int triesLeft, CancellationToken cancellationToken) =>
        AskSecretAsync(reader, $"Passcode ([bold]{AgentMessages.TriesLeft(triesLeft)}[/])", cancellationToken);

    public Task<char[]> AskUnblockSecretAsync(string reader, UnblockSecret secret, CancellationToken cancellationToken) =>
        AskSecretAsync(reader, secret switch
        {
            UnblockSecret.Puk => "PUK (the card's unblocking key, from your RA)",
            UnblockSecret.NewPin => "New passcode ([bold]6 to 8 digits[/])",
            _ => "New passcode again",
        }, cancellationToken);

    /// <summary>Reads one secret key by key into a char array, echoing <c>*</c>; <paramref name="label"/> is markup.</summary>
    private async Task<char[]> AskSecretAsync(string reader, string label, CancellationToken cancellationToken)
    {
        await _prompt.WaitAsync(cancellationToken);
        var buffer = new char[16];
        var length = 0;
        try
        {
            console.Markup($"[grey]{Markup.Escape(reader)}[/] {label}: ");
            while (true)
            {
                var key = await ReadKeyAsync(console, cancellationToken);
                if (key.Key == ConsoleKey.Enter)
                {
                    console.WriteLine();
                    return buffer[..length];
                }
                if (key.Key == ConsoleKey.Backspace)
                {
                    if (length > 0)
                    {
                        buffer[--length] = '\0';
                        console.Write("\b \b");
                    }
                    continue;
                }
                if (!char.IsControl(key.KeyChar) && length < buffer.Length)
                {
                    buffer[length++] = key.KeyChar;
                    console.Write("*");
                }
            }
        }
        catch (OperationCanceledException)
        {
            console.WriteLine();
            throw;
        }
        finally
        {
            Array.Clear(buffer);
            _prompt.Release();
        }
    }

    public async Task<RoleProfileDto> ChooseRoleAsync(string reader, string userName, IReadOnlyList<RoleProfileDto> roles, CancellationToken cancellationToken)
    {
        await _prompt.WaitAsync(cancellationToken);
        try
        {
            var title = $"[grey]{Markup.Escape(reader)}[/] {Markup.Escape(userName)}, choose your role:";
            if (roles.Count <= MaxRolesWithoutSearch)
            {
                var prompt = new SelectionPrompt<RoleProfileDto>()
                    .Title(title)
                    .UseConverter(r => Markup.Escape(LineAgentUi.Describe(r)))
                    .AddChoices(roles);
                return await prompt.ShowAsync(console, cancellationToken);
            }
            return await FilterAsync(title, roles, cancellationToken);
        }
        finally
        {
            _prompt.Release();
        }
    }

    /// <summary>Type to filter, Up/Down to move, Enter to choose, Backspace to edit, Escape to clear the filter.</summary>
    private async Task<RoleProfileDto> FilterAsync(string title, IReadOnlyList<RoleProfileDto> roles, CancellationToken cancellationToken)
    {
        var filter = new System.Text.StringBuilder();
        var shown = roles;
        var selected = 0;
        RoleProfileDto? chosen = null;
        await console.Live(Render(title, filter, shown, selected)).AutoClear(false).StartAsync(async live =>
        {
            while (chosen is null)
            {
                var key = await ReadKeyAsync(console, cancellationToken);
                switch (key.Key)
                {
                    case ConsoleKey.Enter when shown.Count > 0:
                        chosen = shown[selected];
                        break;
                    case ConsoleKey.UpArrow:
                        selected = Math.Max(0, selected - 1);
                        break;
                    case ConsoleKey.DownArrow:
                        selected = Math.Min(Math.Max(0, shown.Count - 1), selected + 1);
                        break;
                    case ConsoleKey.Backspace when filter.Length > 0:
                        filter.Length--;
                        break;
                    case ConsoleKey.Escape:
                        filter.Clear();
                        break;
                    default:
                        if (!char.IsControl(key.KeyChar))
                        {
                            filter.Append(key.KeyChar);
                        }
                        break;
                }
                if (chosen is null)
                {
                    shown = RoleFilter.Apply(roles, filter.ToString());
                    selected = Math.Min(selected, Math.Max(0, shown.Count - 1));
                }
                live.UpdateTarget(Render(title, filter, chosen is null ? shown : [chosen], chosen is null ? selected : 0));
                live.Refresh();
            }
        });
        return chosen!;
    }

    private static Rows Render(string title, System.Text.StringBuilder filter, IReadOnlyList<RoleProfileDto> shown, int selected)
    {
        var lines = new List<Markup>
        {
            new(title),
            new($"Filter: {Markup.Escape(filter.ToString())}[grey]_ (type a role, organisation or ODS code)[/]"),
        };
        if (shown.Count == 0)
        {
            lines.Add(new("[yellow]No role matches. Backspace to edit, Escape to clear.[/]"));
        }
        for (var i = 0; i < shown.Count; i++)
        {
            var text = Markup.Escape(LineAgentUi.Describe(shown[i]));
            lines.Add(new(i == selected ? $"[blue]> {text}[/]" : $"  {text}"));
        }
        return new Rows(lines);
    }

    private static async Task<ConsoleKeyInfo> ReadKeyAsync(IAnsiConsole console, CancellationToken cancellationToken) =>
        // Spectre's input polls, so a card removal (the token) abandons the prompt at once.
        await console.Input.ReadKeyAsync(intercept: true, cancellationToken) ?? throw new EndOfStreamException("The terminal's input ended.");

    public void Dispose() => _prompt.Dispose();
}
