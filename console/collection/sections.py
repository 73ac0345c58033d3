"""The wizard's sections: their titles, in one place for the wizard, its preview, the review page and the
reason templates."""

TITLES = {
    "notice": "阅读须知",
    "preparation": "信息采集准备",
    "commitment": "诚信承诺",
    "personal": "个人信息",
    "post": "单位与岗位",
    "education": "学历学位",
    "qualification": "专业技术资格",
    "talent": "人才信息",
    "awards": "守信信息",
    "violations": "失信信息",
    "publications": "已发表论文",
    "attachments": "附件上传",
    "preview": "预览确认",
}
