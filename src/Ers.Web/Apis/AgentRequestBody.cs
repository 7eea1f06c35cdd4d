using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Ers.Web.Apis;

/// <summary>
/// Names an agent route's JSON body for the OpenAPI document only. <c>Accepts&lt;T&gt;("application/json")</c> would
/// also make routing answer another Content-Type with an empty 415 before the handler runs (issue 13, defect 5);
/// the handlers read the body themselves and answer every malformed shape with 400 <c>request.malformed</c>.
/// </summary>
internal sealed record AgentRequestBody(Type Type)
{
    public const string ContentType = "application/json";

    /// <summary>Fills the request body of each operation whose endpoint carries an <see cref="AgentRequestBody"/>.</summary>
    public static async Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<AgentRequestBody>().FirstOrDefault() is not { } body)
        {
            return;
        }

        var schema = await context.GetOrCreateSchemaAsync(body.Type, null, cancellationToken);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType> { [ContentType] = new() { Schema = schema } },
        };
    }
}
