variable "names" {}

resource "aws_s3_bucket" "data" {
  for_each      = toset(var.names)
  bucket_prefix = "app-${each.key}-"
}
