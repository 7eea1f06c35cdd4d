using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ers.Api;
using Ers.Audit;
using Ers.Testing.Hosts;

namespace Ers.Web.Tests;

/// <summary>
/// Issue 13, defect 5: every malformed body shape on every route (wrong or missing Content-Type, bad JSON, missing
/// fields) is a 400 <c>request.malformed</c> problem with an audit record, reaching no grain; never an empty 415.
/// </summary>
public sealed class MalformedBodyTests(AgentHost host) : IClassFixture<AgentHost>
{
    private const string Ws1 = "WS-TEST-0001";

    public static TheoryData<string, string?, string> Shapes()
    {
        var routes = new[]
        {
            AgentApiRoutes.CardInserted, AgentApiRoutes.CardAuthenticate, AgentApiRoutes.SelectRole, AgentApiRoutes.Heartbeat,
            AgentApiRoutes.CardRemoved, AgentApiRoutes.CardBlocked, AgentApiRoutes.CardUnblocked, AgentApiRoutes.Logout, AgentApiRoutes.BrowserTicket,
        };
        var shapes = new (string? ContentType, string Body)[]
        {
            ("text/plain", "{\"cardId\":\"abc\"}"),
            ("application/xml", "<cardId>abc</cardId>"),
            ("application/x-www-form-urlencoded", "cardId=abc"),
            (null, "{\"cardId\":\"abc\"}"),
            ("application/json", "{\"cardId\": [1,"),
            ("application/json", "[]"),
            ("application/json", "null"),
            ("application/json", "{}"),
        };
        var data = new TheoryData<string, string?, string>();
        foreach (var route in routes)
        {
            foreach (var (contentType, body) in shapes)
            {
                data.Add(route, contentType, body);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task A_malformed_body_is_a_400_request_malformed_problem_audited_and_reaching_no_grain(string route, string? contentType, string body)
    {
        using var client = host.AgentClient(host.Workstation1);
        var before = await host.ErsActivationsAsync();
        var audited = await host.AuditCountAsync();
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        var response = await client.PostAsync(route, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ApiErrorCodes.RequestMalformed, await AgentApiLoginTests.ProblemCodeAsync(response));
        Assert.Equal(audited + 1, await host.AuditCountAsync());
        var audit = await host.LastAuditAsync();
        Assert.Equal((AuditEvent.Refused, ApiErrorCodes.RequestMalformed, Ws1), (audit.Event, audit.Reason, audit.WorkstationId));
        Assert.Equal(before, await host.ErsActivationsAsync());
    }

    [Fact]
    public async Task The_openapi_document_still_names_each_routes_json_body()
    {
        using var client = host.AgentClient(host.Workstation1);
        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var body = document.GetProperty("paths").GetProperty(AgentApiRoutes.CardInserted).GetProperty("post").GetProperty("requestBody");

        Assert.True(body.GetProperty("content").TryGetProperty("application/json", out var json));
        Assert.True(json.TryGetProperty("schema", out _));
    }
}
