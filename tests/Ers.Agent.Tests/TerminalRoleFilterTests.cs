using Ers.Agent.Ui;
using Ers.Api;
using Spectre.Console.Testing;

namespace Ers.Agent.Tests;

/// <summary>With more than five roles the terminal list really filters: it shrinks as the user types.</summary>
public sealed class TerminalRoleFilterTests
{
    private static readonly RoleProfileDto[] Roles =
    [
        Role("r1", "RXX", "Riverside Surgery", "Clinical Practitioner Access Role"),
        Role("r2", "RYY", "Kent Community Health", "Admin and Clerical Access Role"),
        Role("r3", "RYY", "Kent Community Health", "Clinical Practitioner Access Role"),
        Role("r4", "RZZ", "Northgate Hospital", "Medical Secretary Access Role"),
        Role("r5", "RXX", "Riverside Surgery", "Receptionist Access Role"),
        Role("r6", "RYY", "Kent Community Health", "Medical Secretary Access Role"),
        Role("r7", "RAA", "Eastfield Clinic", "Nurse Access Role"),
    ];

    private static RoleProfileDto Role(string id, string ods, string organisation, string role) =>
        new(id, ods, organisation, "R8000", role);

    [Theory]
    [InlineData("Medical", new[] { "r4", "r6" })]
    [InlineData("medical kent", new[] { "r6" })]
    [InlineData("RXX", new[] { "r1", "r5" })]
    [InlineData("riverside clinical", new[] { "r1" })]
    [InlineData("", new[] { "r1", "r2", "r3", "r4", "r5", "r6", "r7" })]
    public void The_filter_matches_role_organisation_and_ods_code(string filter, string[] expected) =>
        Assert.Equal(expected, RoleFilter.Apply(Roles, filter).Select(r => r.RoleProfileId));

    [Fact]
    public async Task Typing_Medical_and_Enter_chooses_the_first_medical_role_and_the_list_shrank()
    {
        var console = new TestConsole().Interactive();
        console.Profile.Capabilities.Ansi = true;
        using var ui = new SpectreAgentUi(console);
        console.Input.PushText("Medical");
        console.Input.PushKey(ConsoleKey.Enter);

        var chosen = await ui.ChooseRoleAsync("Virtual PCD 00 00", "Dr Ada Test", Roles, CancellationToken.None);

        Assert.Equal("r4", chosen.RoleProfileId);
        var output = console.Output;
        // The list drawn once "Medical" was typed (the next drawing is after Enter: the chosen role alone).
        var typed = output[output.LastIndexOf("Filter: Medical_", StringComparison.Ordinal)..];
        var beforeEnter = output[output.IndexOf("Filter: Medical_", StringComparison.Ordinal)..];
        beforeEnter = beforeEnter[..beforeEnter.IndexOf("Filter: Medical_", 10, StringComparison.Ordinal)];
        Assert.Contains("Medical Secretary Access Role - Northgate Hospital (RZZ)", beforeEnter, StringComparison.Ordinal);
        Assert.Contains("Medical Secretary Access Role - Kent Community Health (RYY)", beforeEnter, StringComparison.Ordinal);
        Assert.DoesNotContain("Riverside Surgery", beforeEnter, StringComparison.Ordinal);
        Assert.DoesNotContain("Nurse", typed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Arrow_down_in_the_filtered_list_chooses_the_second_match()
    {
        var console = new TestConsole().Interactive();
        using var ui = new SpectreAgentUi(console);
        console.Input.PushText("medical");
        console.Input.PushKey(ConsoleKey.DownArrow);
        console.Input.PushKey(ConsoleKey.Enter);

        var chosen = await ui.ChooseRoleAsync("Virtual PCD 00 00", "Dr Ada Test", Roles, CancellationToken.None);

        Assert.Equal("r6", chosen.RoleProfileId);
    }
}
